package dev.skiff.server.it;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real skiffd for one integration test: its own private network namespace, its own
 * state, run and cgroup directories, and crictl pointed at its socket. close() stops it
 * and removes everything it could have left: mounts below its directories, its cgroups,
 * the namespace and the files.
 */
public final class SkiffdProcess implements AutoCloseable {
  private final PrivateNetns netns;
  private final boolean ownsNetns;
  private final Path dir;
  private final Path config;
  private final String cgroupRoot;
  private Process process;

  private SkiffdProcess(PrivateNetns netns, boolean ownsNetns, Path dir, Path config, String cgroupRoot) {
    this.netns = netns;
    this.ownsNetns = ownsNetns;
    this.dir = dir;
    this.config = config;
    this.cgroupRoot = cgroupRoot;
  }

  /** Starts skiffd in a new private netns; extraToml is appended to the generated config. */
  public static SkiffdProcess start(String extraToml) {
    return start(PrivateNetns.create("it"), true, extraToml);
  }

  /** Starts skiffd in a namespace the caller owns (e.g. shared with a registry). */
  public static SkiffdProcess startIn(PrivateNetns netns, String extraToml) {
    return start(netns, false, extraToml);
  }

  private static SkiffdProcess start(PrivateNetns netns, boolean ownsNetns, String extraToml) {
    try {
      Path dir = Files.createTempDirectory("skiff-it-");
      String cgroupRoot = "skiff-it-" + dir.getFileName().toString().substring("skiff-it-".length());
      Path config = dir.resolve("skiff.toml");
      Files.writeString(config, """
          [daemon]
          socket = "%s/skiff.sock"
          state_dir = "%s/state"
          run_dir = "%s/run"
          log_level = "debug"
          [cgroup]
          root = "%s"
          """.formatted(dir, dir, dir, cgroupRoot) + extraToml);
      SkiffdProcess skiffd = new SkiffdProcess(netns, ownsNetns, dir, config, cgroupRoot);
      try {
        skiffd.launch();
      } catch (AssertionError | IOException | RuntimeException e) {
        // The error carries skiffd's log; what it made (process, mounts, cgroups, netns, dir) goes.
        skiffd.close();
        throw e;
      }
      return skiffd;
    } catch (IOException e) {
      if (ownsNetns) {
        netns.close();
      }
      throw new AssertionError("cannot prepare skiffd: " + e.getMessage(), e);
    }
  }

  private void launch() throws IOException {
    spawn();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("skiffd exited " + process.exitValue() + " at start:\n" + logText());
      }
      if (answers(socket())) {
        return;
      }
      sleep(50);
    }
    throw new AssertionError("skiffd did not listen on " + socket() + " within 30 s:\n" + logText());
  }

  private void spawn() throws IOException {
    List<String> command = netns.wrap(List.of(Tools.skiffd().toString(), "--config", config.toString()));
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
        .start();
  }

  /** Starts skiffd again on the same state without waiting for it (to crash it during recovery). */
  public void spawnAgain() throws IOException {
    spawn();
  }

  private static boolean answers(Path socket) {
    if (!Files.exists(socket)) {
      return false;
    }
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  public Path socket() {
    return dir.resolve("skiff.sock");
  }

  public String endpoint() {
    return "unix://" + socket();
  }

  public Path dir() {
    return dir;
  }

  public Path stateDir() {
    return dir.resolve("state");
  }

  public Path runDir() {
    return dir.resolve("run");
  }

  public String cgroupRoot() {
    return cgroupRoot;
  }

  public PrivateNetns netns() {
    return netns;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return dir.resolve("skiffd.log");
  }

  public String logText() {
    try {
      return Files.exists(log()) ? Files.readString(log()) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** Runs the real crictl against this skiffd, inside its network namespace. */
  public CommandResult crictl(String... args) {
    List<String> command = new ArrayList<>(List.of(Tools.tool("crictl").toString(),
        "--runtime-endpoint", endpoint(), "--image-endpoint", endpoint(), "--timeout", "60s"));
    command.addAll(List.of(args));
    return Commands.run(netns.wrap(command), 180);
  }

  /** Sends SIGTERM and waits; returns skiffd's exit code. */
  public int stop() {
    if (process == null || !process.isAlive()) {
      return process == null ? -1 : process.exitValue();
    }
    try {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return process.exitValue();
  }

  /** Stops skiffd and starts it again on the same state, as after an upgrade or crash. */
  public void restart() throws IOException {
    stop();
    launch();
  }

  /** Starts skiffd again on the same state after {@link #stop()} or {@link #kill()}. */
  public void startAgain() throws IOException {
    launch();
  }

  /** Kills skiffd with SIGKILL, as a crash would. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  @Override
  public void close() {
    stop();
    unmountBelow(dir);
    OwnCgroups.removeBelow(cgroupRoot);
    if (ownsNetns) {
      netns.close();
    }
    deleteTree(dir);
  }

  /** Lazily unmounts anything still mounted below dir, deepest first. */
  static void unmountBelow(Path dir) {
    try {
      List<String> targets = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String target = line.split(" ")[4].replace("\\040", " ");
        if (target.startsWith(dir.toString() + "/")) {
          targets.add(target);
        }
      }
      targets.sort(Comparator.comparingInt(String::length).reversed());
      for (String target : targets) {
        Commands.run(List.of("umount", "-l", target));
      }
    } catch (IOException ignored) {
      // Nothing mounted, or mountinfo unreadable: the delete below reports what is left.
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException ignored) {
          // Reported by the leftover checks of the tests that care.
        }
      });
    } catch (IOException ignored) {
      // As above.
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
