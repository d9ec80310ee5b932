package dev.skiff.runtime.container;

import dev.skiff.runtime.linux.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A container process under its shim, found through its bundle only: any skiffd, including
 * one started after the shim, can drive it.
 * <pre>
 *   CREATED --start--> RUNNING --exit/stop--> EXITED
 *      \______________________exit/stop______/
 *   UNKNOWN: no exit file, and the shim is gone (it was killed)
 * </pre>
 */
public final class ContainerProcess {
  public enum Phase { CREATED, RUNNING, EXITED, UNKNOWN }

  private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration KILL_GRACE = Duration.ofSeconds(2);
  private static final Duration HANDLER_POLL = Duration.ofMillis(50);
  private static final AtomicLong EXEC_COUNTER = new AtomicLong();

  private final Path shim;
  private final Bundle bundle;
  private final ShimState state;
  private final List<Path> cgroupDirs;

  ContainerProcess(Path shim, Bundle bundle, ShimState state, List<Path> cgroupDirs) {
    this.shim = shim;
    this.bundle = bundle;
    this.state = state;
    this.cgroupDirs = List.copyOf(cgroupDirs);
  }

  public Bundle bundle() {
    return bundle;
  }

  /** The container's pid in the host's PID namespace. */
  public int pid() {
    return state.pid();
  }

  public ShimState state() {
    return state;
  }

  public Phase phase() throws IOException {
    if (Files.exists(bundle.exitFile())) {
      return Phase.EXITED;
    }
    if (!Processes.isAlive(state.shimPid(), state.shimStart())) {
      // The shim writes the exit file before it exits: check again to close the race.
      return Files.exists(bundle.exitFile()) ? Phase.EXITED : Phase.UNKNOWN;
    }
    return Files.exists(bundle.startedFile()) ? Phase.RUNNING : Phase.CREATED;
  }

  public Optional<ExitStatus> exitStatus() throws IOException {
    Map<String, String> values = Bundle.readKeyValues(bundle.exitFile());
    return values == null ? Optional.empty() : Optional.of(ExitStatus.parse(values));
  }

  /** When exec succeeded, in ns since the epoch; empty before. */
  public Optional<Long> startedAtNs() throws IOException {
    Map<String, String> values = Bundle.readKeyValues(bundle.startedFile());
    return values == null ? Optional.empty() : Optional.of(Long.parseLong(values.get("started_ns")));
  }

  /** Releases the created process into exec; a failure names the cause (e.g. the missing executable). */
  public void start() throws ContainerException, IOException {
    String reply;
    try {
      reply = ShimControl.request(bundle.socket(), "start", CONTROL_TIMEOUT);
    } catch (IOException e) {
      Optional<ExitStatus> exit = exitStatus();
      String why = exit.map(s -> s.message().isEmpty() ? "it exited with code " + s.exitCode() : s.message())
          .orElse("its shim does not answer: " + e.getMessage());
      throw new ContainerException(ContainerException.Kind.PRECONDITION, "cannot start container: " + why, e);
    }
    if (!reply.equals("ok")) {
      throw new ContainerException(ContainerException.Kind.START_FAILED,
          reply.startsWith("error ") ? reply.substring("error ".length()) : "unexpected shim reply '" + reply + "'");
    }
  }

  /** Signals the container process; nothing happens when it has exited. */
  public void signal(int signal) throws IOException {
    if (phase() == Phase.EXITED) {
      return;
    }
    try {
      ShimControl.request(bundle.socket(), "signal " + signal, CONTROL_TIMEOUT);
    } catch (IOException e) {
      if (phase() != Phase.EXITED) {
        throw e;
      }
    }
  }

  /** Waits until the exit file is written; false when timeout passes first. */
  public boolean awaitExit(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (Files.exists(bundle.exitFile())) {
      return true;
    }
    try {
      if (ShimControl.awaitExit(bundle.socket(), timeout)) {
        return Files.exists(bundle.exitFile()) || pollForExitFile(deadline);
      }
      return false;
    } catch (IOException e) {
      // Socket already gone: the shim is finishing or dead.
      return pollForExitFile(deadline);
    }
  }

  private boolean pollForExitFile(long deadline) throws IOException {
    while (!Files.exists(bundle.exitFile())) {
      if (System.nanoTime() > deadline || phase() == Phase.UNKNOWN) {
        return Files.exists(bundle.exitFile());
      }
      sleep(5);
    }
    return true;
  }

  /**
   * StopContainer: signal, wait up to timeout, then SIGKILL everything in the container's
   * cgroups and wait for the exit record. Idempotent.
   */
  public void stop(int signal, Duration timeout) throws ContainerException, IOException {
    if (phase() == Phase.EXITED) {
      return;
    }
    if (!timeout.isZero() && signalAndAwaitExit(signal, timeout)) {
      return;
    }
    CgroupKill.killAll(cgroupDirs);
    signal(Processes.SIGKILL);
    if (!awaitExit(KILL_GRACE) && phase() != Phase.UNKNOWN) {
      throw new ContainerException(ContainerException.Kind.INTERNAL,
          "container process " + state.pid() + " survived SIGKILL for " + KILL_GRACE.toSeconds() + " s");
    }
  }

  /**
   * Sends the stop signal and waits up to timeout. The init of a PID namespace receives only
   * signals it has a handler for: one sent before the program installed its handler (a stop
   * right after start) is dropped by the kernel, so it is sent again once the handler is there.
   */
  private boolean signalAndAwaitExit(int signal, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean caught = catches(signal);
    signal(signal);
    while (!caught) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      if (awaitExit(Duration.ofNanos(Math.min(left, HANDLER_POLL.toNanos())))) {
        return true;
      }
      caught = catches(signal);
      if (caught) {
        signal(signal);
      }
    }
    long left = deadline - System.nanoTime();
    return left > 0 && awaitExit(Duration.ofNanos(left));
  }

  /** Whether the container process has a handler for signal (SigCgt in /proc/PID/status); true when it is gone. */
  private boolean catches(int signal) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + state.pid() + "/status"))) {
        if (line.startsWith("SigCgt:")) {
          long mask = Long.parseUnsignedLong(line.substring("SigCgt:".length()).strip(), 16);
          return (mask & (1L << (signal - 1))) != 0;
        }
      }
    } catch (IOException | RuntimeException gone) {
      return true;
    }
    return true;
  }

  public void reopenLog() throws ContainerException, IOException {
    String reply = ShimControl.request(bundle.socket(), "reopen-log", CONTROL_TIMEOUT);
    if (!reply.equals("ok")) {
      throw new ContainerException(ContainerException.Kind.INTERNAL, "cannot reopen the container log: " + reply);
    }
  }

  /** ExecSync: runs command inside the container; a zero timeout means none. */
  public ExecResult execSync(List<String> command, Duration timeout) throws ContainerException, IOException {
    if (command.isEmpty()) {
      throw ContainerException.invalid("exec needs a command");
    }
    if (phase() != Phase.RUNNING) {
      throw new ContainerException(ContainerException.Kind.PRECONDITION, "container is not running");
    }
    String name = "exec-" + ProcessHandle.current().pid() + "-" + EXEC_COUNTER.incrementAndGet();
    Path out = bundle.dir().resolve(name + ".out");
    Path err = bundle.dir().resolve(name + ".err");
    Path result = bundle.dir().resolve(name + ".result");
    List<String> argv = new ArrayList<>(List.of(shim.toString(), "exec", "--bundle", bundle.dir().toString(),
        "--pid", Integer.toString(state.pid()), "--pid-start", Long.toString(state.pidStart()),
        "--timeout-ms", Long.toString(timeout.toMillis()), "--result", result.toString(), "--"));
    argv.addAll(command);
    try {
      Process process = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      // The shim enforces the timeout itself; this bound only guards against a stuck shim.
      long bound = timeout.isZero() ? Long.MAX_VALUE : timeout.toMillis() + 5000;
      if (!process.waitFor(bound, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor();
        throw new ContainerException(ContainerException.Kind.INTERNAL, "exec shim did not finish");
      }
      Map<String, String> values = Bundle.readKeyValues(result);
      if (values == null) {
        throw new ContainerException(ContainerException.Kind.INTERNAL,
            "exec shim exited with " + process.exitValue() + " without a result: " + Files.readString(err).strip());
      }
      if (values.containsKey("error")) {
        throw new ContainerException(ContainerException.Kind.INTERNAL, "exec failed: " + values.get("error"));
      }
      return new ExecResult(Integer.parseInt(values.get("exit_code")), Files.readAllBytes(out),
          Files.readAllBytes(err), "1".equals(values.get("timed_out")));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ContainerException(ContainerException.Kind.INTERNAL, "interrupted while waiting for exec", e);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      Files.deleteIfExists(result);
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
