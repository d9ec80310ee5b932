package dev.skiff.runtime.container;

import dev.skiff.runtime.checkpoint.CheckpointException;
import dev.skiff.runtime.checkpoint.CheckpointedContainer;
import dev.skiff.runtime.checkpoint.ContainerCheckpointer;
import dev.skiff.runtime.checkpoint.CriuProbe;
import dev.skiff.runtime.checkpoint.CriuSupport;
import dev.skiff.runtime.checkpoint.Deadline;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Proves a checkpoint with the real CRIU on a kernel where `criu check` passes (this
 * development machine's 6.18 is not one: bin/checkpoint-vm-check boots Debian's 6.1 under QEMU
 * and runs this there): a shim-launched busybox container on an overlay root, in a pinned
 * network namespace (as a pod's), with a host file bound in, counting into /count.txt; the
 * checkpoint archive must hold CRIU's images, the metadata and the count file, and the
 * container must go on counting. Prints one line per finding; exit 0 only when all hold.
 *
 * <p>Args: NETNS_PATH (a pinned network namespace made by the caller).
 */
public final class CheckpointKernelCheck {
  private static int failures;

  public static void main(String[] args) throws Exception {
    String netns = args[0];
    Path root = Files.createTempDirectory("skiff-ckpt-check-");
    try {
      Path busybox = BusyboxRootfs.build(root.resolve("busybox"));
      checkpointOne(root, busybox, netns, "plain", false);
      // With a terminal the pty's master is the shim's: CRIU is told the slave is external.
      checkpointOne(root, busybox, netns, "tty", true);
    } finally {
      try (var walk = Files.walk(root)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.out.println(failures == 0 ? "CHECKPOINT CHECK PASSED" : "CHECKPOINT CHECK FAILED: " + failures);
    System.exit(failures == 0 ? 0 : 1);
  }

  private static void checkpointOne(Path root, Path busybox, String netns, String name, boolean tty)
      throws Exception {
    System.out.println("== container " + name + (tty ? " (terminal)" : ""));
    Path dir = Files.createDirectories(root.resolve(name));
    Path hostFile = Files.writeString(dir.resolve("host.txt"), "from the host\n");
    ShimLauncher launcher = ShimLauncher.fromSystem();
    try (TestContainer c = new TestContainer(Files.createDirectories(dir.resolve("c")), name)) {
      List<String> command =
          List.of("sh", "-c", "i=0; while true; do i=$((i+1)); echo $i; echo $i > /count.txt; sleep 0.2; done");
      ContainerSpec base = c.spec(name, List.of(busybox), command, SecurityRequest.defaults(),
          List.of(new MountRequest("/data/host.txt", hostFile.toString(), true, false,
              MountRequest.Propagation.PRIVATE, null)));
      ProcessRequest process = new ProcessRequest(command, null, List.of(), null, null, null, null, List.of(), null,
          tty, false, false);
      ContainerSpec spec = new ContainerSpec(base.id(), process, base.image(), base.mounts(), base.devices(),
          base.security(), new NamespacePaths(netns, "", "", NamespacePaths.PidMode.CONTAINER, null, null),
          base.pod(), base.cgroupDirs(), base.oomCounter(), base.rlimits(), base.oomScoreAdj(), base.sysctls(),
          base.logPath());
      ContainerProcess container = c.create(launcher, spec);
      container.start();
      Path count = dir.resolve("c/upper/count.txt");
      int before = awaitCount(count, 3);

      Path staging = dir.resolve("state/checkpoints");
      ContainerCheckpointer checkpointer = new ContainerCheckpointer(new CriuProbe("criu"), staging,
          Clock.systemUTC());
      CriuSupport support = checkpointer.support();
      check(support.isUsable(), "criu usable: " + (support.isUsable() ? support.version() : support.problem()));
      Path out = Files.createDirectories(dir.resolve("out"));
      Path location = out.resolve(name + ".tar");
      CheckpointedContainer target = new CheckpointedContainer(name, name, container.pid(), c.bundle.dir(),
          dir.resolve("c/upper"), c.log, "busybox", "sha256:0", "skiff", Instant.now(), null);
      long start = System.nanoTime();
      try {
        checkpointer.checkpoint(target, location, Deadline.after(Duration.ofMinutes(5)));
        check(true, "checkpoint written in " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
      } catch (CheckpointException e) {
        check(false, "checkpoint failed (" + e.kind() + "): " + e.getMessage());
      }
      check(container.phase() == ContainerProcess.Phase.RUNNING, "container still running: " + container.phase());
      int after = awaitCount(count, before + 5);
      check(after > before + 5, "container counts on: " + before + " -> " + after);
      if (Files.exists(location)) {
        Map<String, byte[]> archive = readTar(Files.newInputStream(location));
        System.out.println("archive entries: " + archive.keySet());
        for (String entry : List.of("config.dump", "spec.dump", "checkpoint/inventory.img", "checkpoint/pstree.img",
            "rootfs-diff.tar", "container.log", "dump.log")) {
          check(archive.containsKey(entry), "archive has " + entry);
        }
        if (archive.containsKey("rootfs-diff.tar")) {
          Map<String, byte[]> diff = readTar(new ByteArrayInputStream(archive.get("rootfs-diff.tar")));
          check(diff.containsKey("count.txt"), "rootfs-diff.tar has count.txt: " + diff.keySet());
        }
        if (archive.containsKey("dump.log")) {
          String log = new String(archive.get("dump.log"), StandardCharsets.UTF_8);
          check(log.contains("Dumping finished successfully"), "dump.log says the dump finished");
        }
        if (archive.containsKey("checkpoint/descriptors.json")) {
          String fds = new String(archive.get("checkpoint/descriptors.json"), StandardCharsets.UTF_8);
          check(tty == fds.contains("/dev/pts/"), "stdio " + fds + (tty ? " is the terminal" : " is no terminal"));
        }
      }
      check(list(out).equals(List.of(location)), "only the archive in " + out + ": " + list(out));
      check(list(staging).stream().allMatch(p -> p.getFileName().toString().equals("pending")), "no staging left");
    }
  }

  private static int awaitCount(Path count, int past) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int value = -1;
    while (System.nanoTime() < deadline) {
      try {
        String text = Files.readString(count).strip();
        value = text.isEmpty() ? -1 : Integer.parseInt(text);
      } catch (IOException | NumberFormatException notYet) {
        value = -1;
      }
      if (value > past) {
        return value;
      }
      Thread.sleep(200);
    }
    return value;
  }

  private static void check(boolean ok, String what) {
    System.out.println((ok ? "ok   " : "FAIL ") + what);
    if (!ok) {
      failures++;
    }
  }

  private static Map<String, byte[]> readTar(InputStream in) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        entries.put(entry.getName(), entry.isDirectory() ? new byte[0] : tar.readAllBytes());
      }
    }
    return entries;
  }

  private static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var s = Files.list(dir)) {
      return s.toList();
    }
  }
}
