package dev.skiff.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole checkpoint around CRIU, with a script standing in for criu (this kernel's CRIU
 * may not dump at all; CheckpointIT runs the real one): a live process as the container's
 * init, a bundle with config.json, an upper directory and a log.
 */
class ContainerCheckpointerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-11-25T17:00:00.123456789Z");

  @TempDir
  Path dir;
  private Process init;
  private CheckpointedContainer container;
  private Path out;

  @BeforeEach
  void container() throws Exception {
    init = new ProcessBuilder("sleep", "600").start();
    Path bundle = Files.createDirectories(dir.resolve("bundle/rootfs")).getParent();
    Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
    Files.writeString(bundle.resolve("config.json"), """
        {"ociVersion":"1.2.0","process":{"args":["sh"]},"root":{"path":"rootfs"},
         "mounts":[{"destination":"/proc","type":"proc","source":"proc","options":[]},
                   {"destination":"/etc/hosts","type":"bind","source":"%s","options":["rbind"]}]}
        """.formatted(hosts));
    Path upper = Files.createDirectories(dir.resolve("layer/upper/data"));
    Files.writeString(upper.resolve("count.txt"), "1\n2\n");
    Path log = Files.writeString(dir.resolve("0.log"), "2026-11-25T17:00:00.000000000Z stdout F 1\n");
    container = new CheckpointedContainer("0123456789abcdef0123", "counter", (int) init.pid(), bundle,
        upper.getParent(), log, "busybox:latest", "sha256:feed", "skiff", Instant.parse("2026-11-25T16:00:00Z"),
        "{\"id\":\"0123456789abcdef0123\"}".getBytes(StandardCharsets.UTF_8));
    out = Files.createDirectories(dir.resolve("out"));
  }

  @AfterEach
  void stopInit() throws Exception {
    init.destroyForcibly().waitFor();
  }

  @Test
  void archiveHoldsCriuImagesMetadataRootfsDiffAndLog() throws Exception {
    ContainerCheckpointer checkpointer = checkpointer(FakeCriu.Dump.SUCCEEDS);
    Path location = out.resolve("checkpoint.tar");
    checkpointer.checkpoint(container, location, Deadline.after(Duration.ofMinutes(1)));

    TarEntries read = TarEntries.read(location);
    assertEquals("config.dump", read.entries.keySet().iterator().next());
    for (String name : List.of("spec.dump", "status.dump", "bind.mounts", "checkpoint/", "checkpoint/inventory.img",
        "checkpoint/pages-1.img", "checkpoint/descriptors.json", "rootfs-diff.tar", "container.log", "dump.log",
        "stats-dump")) {
      assertTrue(read.entries.containsKey(name), name + " in " + read.entries.keySet());
    }
    JsonNode config = JSON.readTree(read.contents.get("config.dump"));
    assertEquals("0123456789abcdef0123", config.path("id").asText());
    assertEquals("counter", config.path("name").asText());
    assertEquals("busybox:latest", config.path("rootfsImageName").asText());
    assertEquals("sha256:feed", config.path("rootfsImageRef").asText());
    assertEquals("skiff", config.path("runtime").asText());
    assertEquals("2026-11-25T16:00:00Z", config.path("createdTime").asText());
    assertEquals(NOW.toString(), config.path("checkpointedTime").asText());
    assertFalse(config.path("restored").asBoolean());
    assertEquals("sh", JSON.readTree(read.contents.get("spec.dump")).path("process").path("args").get(0).asText());
    JsonNode binds = JSON.readTree(read.contents.get("bind.mounts"));
    assertEquals(1, binds.size(), binds.toString());
    assertEquals("/etc/hosts", binds.get(0).path("destination").asText());
    assertEquals("file", binds.get(0).path("file_type").asText());
    TarEntries diff = TarEntries.read(new java.io.ByteArrayInputStream(read.contents.get("rootfs-diff.tar")));
    assertEquals("1\n2\n", diff.text("data/count.txt"));
    assertTrue(read.text("checkpoint/descriptors.json").startsWith("[\""), read.text("checkpoint/descriptors.json"));

    List<String> args = Files.readAllLines(dir.resolve("staging-root").resolve("criu-args").normalize());
    assertTrue(args.contains("--leave-running"), args.toString());
    assertTrue(args.stream().anyMatch(a -> a.matches("net\\[\\d+\\]:extRootNetNS")), args.toString());
    // The test's sleep lives in the host's PID namespace, not as an init of its own: external.
    assertTrue(args.stream().anyMatch(a -> a.matches("pid\\[\\d+\\]:extRootPidNS")), args.toString());
    assertEquals(List.of(location), list(out));
    assertEquals(List.of(dir.resolve("staging-root/criu-args"), dir.resolve("staging-root/pending")),
        list(dir.resolve("staging-root")).stream().sorted().toList(), "the staging directory is removed");
  }

  @Test
  void criuFailureCarriesTheTailOfItsLogAndLeavesNothing() throws Exception {
    CheckpointException e = assertThrows(CheckpointException.class, () -> checkpointer(FakeCriu.Dump.FAILS)
        .checkpoint(container, out.resolve("x.tar"), Deadline.after(Duration.ofMinutes(1))));
    assertEquals(CheckpointException.Kind.DUMP_FAILED, e.kind());
    assertTrue(e.getMessage().startsWith("criu dump of container 0123456789ab failed (exit 1); dump.log ends: "),
        e.getMessage());
    assertTrue(e.getMessage().contains("Error (criu/mount.c:1088): mnt: No external mount for /etc/hosts"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("Dumping FAILED."), e.getMessage());
    assertEquals(List.of(), list(out));
    assertEquals(List.of(), list(dir.resolve("staging-root")));
  }

  @Test
  void timeoutStopsCriuAndLeavesNothing() throws Exception {
    long start = System.nanoTime();
    CheckpointException e = assertThrows(CheckpointException.class, () -> checkpointer(FakeCriu.Dump.HANGS)
        .checkpoint(container, out.resolve("x.tar"), Deadline.after(Duration.ofSeconds(1))));
    assertEquals(CheckpointException.Kind.DEADLINE, e.kind());
    assertEquals("checkpoint timed out after 1 s while criu dumped container 0123456789ab", e.getMessage());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(20)) < 0);
    assertEquals(List.of(), list(out));
    assertEquals(List.of(), list(dir.resolve("staging-root")));
  }

  @Test
  void unusableCriuIsUnsupportedBeforeAnythingIsWritten() throws Exception {
    Path criu = FakeCriu.write(Files.createDirectories(dir.resolve("bin")), "3.17.1", false, FakeCriu.Dump.SUCCEEDS);
    ContainerCheckpointer checkpointer = new ContainerCheckpointer(new CriuProbe(criu.toString()),
        dir.resolve("staging-root"), Clock.fixed(NOW, ZoneOffset.UTC));
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> checkpointer.checkpoint(container, out.resolve("x.tar"), Deadline.after(Duration.ofMinutes(1))));
    assertEquals(CheckpointException.Kind.UNSUPPORTED, e.kind());
    assertFalse(Files.exists(dir.resolve("staging-root")));
    assertEquals(List.of(), list(out));
  }

  @Test
  void leftoversOfACrashAreCleanedAtStart() throws Exception {
    ContainerCheckpointer checkpointer = checkpointer(FakeCriu.Dump.SUCCEEDS);
    Path staging = Files.createDirectories(dir.resolve("staging-root/0123456789ab-deadbeef/checkpoint"));
    Files.writeString(staging.resolve("pages-1.img"), "x");
    Path temp = Files.writeString(out.resolve(".x.tar" + CheckpointArchive.TEMP_MARK + "deadbeef"), "half");
    Files.createDirectories(dir.resolve("staging-root/pending"));
    Files.writeString(dir.resolve("staging-root/pending/deadbeef"), temp.toString());
    checkpointer.cleanLeftovers();
    assertEquals(List.of(dir.resolve("staging-root/pending")), list(dir.resolve("staging-root")));
    assertEquals(List.of(), list(dir.resolve("staging-root/pending")));
    assertEquals(List.of(), list(out));
  }

  private ContainerCheckpointer checkpointer(FakeCriu.Dump dump) throws Exception {
    Path criu = FakeCriu.write(Files.createDirectories(dir.resolve("bin")), "3.17.1", true, dump);
    return new ContainerCheckpointer(new CriuProbe(criu.toString()), dir.resolve("staging-root"),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static List<Path> list(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
