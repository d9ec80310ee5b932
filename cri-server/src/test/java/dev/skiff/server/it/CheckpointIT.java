package dev.skiff.server.it;

import static dev.skiff.server.it.ContainerConfigsJson.awaitState;
import static dev.skiff.server.it.ContainerConfigsJson.busybox;
import static dev.skiff.server.it.ContainerConfigsJson.inspect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.skiff.cri.v1.CheckpointContainerRequest;
import dev.skiff.cri.v1.RuntimeServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * CheckpointContainer end to end: the real skiffd, a busybox container counting into a file
 * and its log, {@code crictl checkpoint --export}. skiffd's criu_path is a link this test
 * controls, so the first test sees criu missing; then it points at the node's real criu.
 * Whether that CRIU can dump on this kernel decides which of the two last tests runs (the
 * other is reported skipped): the export, or the refusal that says why.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CheckpointIT {
  private static final String COUNTER = "i=0; while true; do i=$((i+1)); echo $i; echo $i > /count.txt; "
      + "sleep 0.2; done";
  private static final List<Path> CRIU_PLACES =
      List.of(Path.of("/usr/local/sbin/criu"), Path.of("/usr/sbin/criu"), Path.of("/usr/bin/criu"));

  private static Path criuDir;
  private static Path criuLink;
  private static BusyboxSkiffd env;
  private static SkiffdProcess skiffd;
  private static String running;
  private static Path exports;

  @BeforeAll
  static void start() throws Exception {
    criuDir = Files.createTempDirectory("skiff-it-criu-");
    criuLink = criuDir.resolve("criu");
    env = BusyboxSkiffd.start("ckpt", "[checkpoint]\ncriu_path = \"" + criuLink + "\"\n");
    skiffd = env.skiffd();
    Path podConfig = PodConfigs.write(skiffd, "ckpt", "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    running = ContainerConfigsJson.run(skiffd, pod, podConfig, busybox("counter", "/bin/sh", "-c", COUNTER));
    awaitState(skiffd, running, "CONTAINER_RUNNING", 10);
    exports = Files.createDirectories(skiffd.dir().resolve("exports"));
  }

  @AfterAll
  static void stop() throws IOException {
    if (env != null) {
      env.close();
    }
    if (criuDir != null) {
      Files.deleteIfExists(criuLink);
      Files.deleteIfExists(criuDir);
    }
  }

  @Test
  @Order(1)
  void missingCriuIsFailedPreconditionNamingCriu() throws Exception {
    Path location = exports.resolve("no-criu.tar");
    CommandResult result = skiffd.crictl("checkpoint", "--export=" + location, running);
    assertNotEquals(0, result.exitCode());
    assertTrue(result.stderr().contains("FailedPrecondition"), result.stderr());
    assertTrue(result.stderr().contains("criu is not installed: no executable '" + criuLink + "'"), result.stderr());
    assertNothingLeft();
  }

  @Test
  @Order(2)
  void badRequestsAreRefusedWithTheRightCode() throws Exception {
    Path podConfig = PodConfigs.write(skiffd, "ckpt-idle", "");
    String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
    String created = ContainerConfigsJson.create(skiffd, pod, podConfig, busybox("idle", "sleep", "1000"));
    String exited = ContainerConfigsJson.run(skiffd, pod, podConfig, busybox("done", "true"));
    awaitState(skiffd, exited, "CONTAINER_EXITED", 10);
    String good = exports.resolve("x.tar").toString();
    try (CriClient client = new CriClient(skiffd.socket())) {
      RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime = client.runtime();
      assertCode(runtime, request("", good, 0), Status.Code.INVALID_ARGUMENT, "container_id is required");
      assertCode(runtime, request("f00dbad0", good, 0), Status.Code.NOT_FOUND, "container f00dbad0 not found");
      assertCode(runtime, request(running, "", 0), Status.Code.INVALID_ARGUMENT, "location is required");
      assertCode(runtime, request(running, "exports/x.tar", 0), Status.Code.INVALID_ARGUMENT,
          "location exports/x.tar must be an absolute path");
      assertCode(runtime, request(running, good, -1), Status.Code.INVALID_ARGUMENT, "timeout -1 must not be negative");
      assertCode(runtime, request(running, exports + "/x\0.tar", 0), Status.Code.INVALID_ARGUMENT,
          "is not a valid path");
      assertCode(runtime, request(running, exports.resolve("missing/x.tar").toString(), 0),
          Status.Code.INVALID_ARGUMENT, "directory " + exports.resolve("missing") + " does not exist");
      assertCode(runtime, request(running, exports.toString(), 0), Status.Code.INVALID_ARGUMENT, "is a directory");
      assertCode(runtime, request(created, good, 0), Status.Code.FAILED_PRECONDITION,
          "container " + created + " is not running (it is created)");
      assertCode(runtime, request(exited, good, 0), Status.Code.FAILED_PRECONDITION,
          "container " + exited + " is not running (it is exited)");
    }
    assertNothingLeft();
  }

  @Test
  @Order(3)
  void exportWritesTheArchiveAndTheContainerGoesOnCounting() throws Exception {
    assumeTrue(useRealCriu(), "this node's CRIU cannot dump on this kernel (criu check fails)");
    String before = count();
    Path location = exports.resolve("counter.tar");
    skiffd.crictl("checkpoint", "--export=" + location, running).orThrow("crictl checkpoint");

    assertEquals("CONTAINER_RUNNING", inspect(skiffd, running).path("status").path("state").asText());
    awaitCountPast(Integer.parseInt(before) + 5);
    Map<String, byte[]> archive = readTar(Files.newInputStream(location));
    for (String name : List.of("checkpoint/inventory.img", "config.dump", "spec.dump", "rootfs-diff.tar",
        "status.dump", "container.log", "dump.log")) {
      assertTrue(archive.containsKey(name), name + " in " + archive.keySet());
    }
    String config = new String(archive.get("config.dump"), StandardCharsets.UTF_8);
    assertTrue(config.contains("\"id\" : \"" + running + "\""), config);
    assertTrue(new String(archive.get("spec.dump"), StandardCharsets.UTF_8).contains(COUNTER.substring(0, 20)));
    Map<String, byte[]> diff = readTar(new ByteArrayInputStream(archive.get("rootfs-diff.tar")));
    assertTrue(diff.containsKey("count.txt"), diff.keySet().toString());
    assertTrue(new String(diff.get("count.txt"), StandardCharsets.UTF_8).strip().matches("[0-9]+"));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(location)));
    assertEquals(List.of(location), list(exports), "no temp file beside the archive");
    assertNoStaging();
  }

  @Test
  @Order(3)
  void whereCriuCannotDumpTheRefusalSaysWhyAndTheContainerRunsOn() throws Exception {
    assumeFalse(useRealCriu(), "this node's CRIU works; the export test ran instead");
    String before = count();
    Path location = exports.resolve("counter.tar");
    CommandResult result = skiffd.crictl("checkpoint", "--export=" + location, running);
    assertNotEquals(0, result.exitCode());
    assertTrue(result.stderr().contains("FailedPrecondition"), result.stderr());
    assertTrue(result.stderr().contains("cannot checkpoint container " + running + ": criu"), result.stderr());
    assertTrue(result.stderr().contains("cannot checkpoint on this kernel") || result.stderr().contains("too old")
        || result.stderr().contains("not installed"), result.stderr());
    assertEquals("CONTAINER_RUNNING", inspect(skiffd, running).path("status").path("state").asText());
    awaitCountPast(Integer.parseInt(before) + 3);
    assertNothingLeft();
  }

  /** Points skiffd's criu_path at the node's criu; true when `criu check` passes there. */
  private static boolean useRealCriu() throws Exception {
    Path real = CRIU_PLACES.stream().filter(Files::isExecutable).findFirst().orElse(null);
    if (real == null) {
      return false;
    }
    Files.deleteIfExists(criuLink);
    Files.createSymbolicLink(criuLink, real);
    Process check = new ProcessBuilder(real.toString(), "check").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(check.waitFor(60, TimeUnit.SECONDS), "criu check did not finish");
    return check.exitValue() == 0;
  }

  private static String count() {
    return ContainerConfigsJson.exec(skiffd, running, "cat", "/count.txt").strip();
  }

  private static void awaitCountPast(int value) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String now = count();
    while (Integer.parseInt(now) <= value) {
      assertTrue(System.nanoTime() < deadline, "the container stopped counting at " + now);
      Thread.sleep(200);
      now = count();
    }
  }

  private static CheckpointContainerRequest request(String id, String location, long timeout) {
    return CheckpointContainerRequest.newBuilder().setContainerId(id).setLocation(location).setTimeout(timeout)
        .build();
  }

  private static void assertCode(RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime,
      CheckpointContainerRequest request, Status.Code code, String text) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> runtime.checkpointContainer(request));
    assertEquals(code, e.getStatus().getCode(), e.toString());
    assertTrue(e.getStatus().getDescription().contains(text), e.toString());
  }

  private static void assertNothingLeft() throws IOException {
    assertEquals(List.of(), list(exports), "nothing at or beside the location");
    assertNoStaging();
  }

  private static void assertNoStaging() throws IOException {
    Path staging = skiffd.stateDir().resolve("checkpoints");
    if (Files.isDirectory(staging)) {
      for (Path entry : list(staging)) {
        assertEquals("pending", entry.getFileName().toString(), "staging left: " + entry);
        assertEquals(List.of(), list(entry), "pending archives left");
      }
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
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
