package dev.skiff.server.it;

import static dev.skiff.server.it.ContainerConfigsJson.awaitState;
import static dev.skiff.server.it.ContainerConfigsJson.busybox;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import dev.skiff.cri.v1.ContainerConfig;
import dev.skiff.cri.v1.ContainerStatusRequest;
import dev.skiff.cri.v1.CreateContainerRequest;
import dev.skiff.cri.v1.ExecSyncRequest;
import dev.skiff.cri.v1.PodSandboxConfig;
import dev.skiff.cri.v1.RemoveContainerRequest;
import dev.skiff.cri.v1.StartContainerRequest;
import dev.skiff.cri.v1.StopContainerRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How containers end, with the real skiffd and kernel: exit codes and reasons (Completed,
 * Error, OOMKilled through a v1 memory limit), StopContainer's timeout on a process that
 * ignores SIGTERM, and every bad input answered with the right code and a clear message.
 */
class ContainerExitIT {
  private static BusyboxSkiffd env;
  private static SkiffdProcess skiffd;
  private static Path podConfig;
  private static String pod;

  @BeforeAll
  static void start() throws Exception {
    env = BusyboxSkiffd.start("exit", "");
    skiffd = env.skiffd();
    podConfig = PodConfigs.write(skiffd, "exits", "");
    pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
  }

  @AfterAll
  static void stop() {
    if (env != null) {
      if (pod != null) {
        skiffd.crictl("rmp", "-f", pod);
      }
      env.close();
    }
  }

  @Test
  void exitCodesAndReasonsCompletedErrorOomKilled() throws Exception {
    String ok = ContainerConfigsJson.run(skiffd, pod, podConfig, busybox("ok", "sh", "-c", "exit 0"));
    String three = ContainerConfigsJson.run(skiffd, pod, podConfig, busybox("three", "sh", "-c", "exit 3"));
    ObjectNode hogConfig = busybox("hog", "tail", "/dev/zero");
    ((ObjectNode) hogConfig.path("linux")).putObject("resources").put("memory_limit_in_bytes", 32L << 20);
    String hog = ContainerConfigsJson.run(skiffd, pod, podConfig, hogConfig);

    JsonNode completed = awaitState(skiffd, ok, "CONTAINER_EXITED", 10);
    assertEquals(0, completed.path("exitCode").asInt());
    assertEquals("Completed", completed.path("reason").asText());
    JsonNode error = awaitState(skiffd, three, "CONTAINER_EXITED", 10);
    assertEquals(3, error.path("exitCode").asInt());
    assertEquals("Error", error.path("reason").asText());
    JsonNode oom = awaitState(skiffd, hog, "CONTAINER_EXITED", 30);
    assertEquals(137, oom.path("exitCode").asInt(), oom.toString());
    assertEquals("OOMKilled", oom.path("reason").asText(), oom.toString());
    assertTrue(oom.path("finishedAt").asText().compareTo(oom.path("startedAt").asText()) > 0, oom.toString());
    skiffd.crictl("rm", ok, three, hog).orThrow("crictl rm");
  }

  @Test
  void stopOfAProcessIgnoringSigtermEndsWithinTimeoutPlusTwoSeconds() throws Exception {
    String stubborn = ContainerConfigsJson.run(skiffd, pod, podConfig,
        busybox("stubborn", "sh", "-c", "trap '' TERM; while true; do sleep 0.1; done"));
    String polite = ContainerConfigsJson.run(skiffd, pod, podConfig,
        busybox("polite", "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"));
    awaitState(skiffd, stubborn, "CONTAINER_RUNNING", 10);
    awaitState(skiffd, polite, "CONTAINER_RUNNING", 10);

    long started = System.nanoTime();
    skiffd.crictl("stop", "--timeout", "3", stubborn).orThrow("crictl stop stubborn");
    double seconds = (System.nanoTime() - started) / 1e9;
    assertTrue(seconds >= 2.9 && seconds <= 5.0, "stop took " + seconds + " s");
    JsonNode killed = ContainerConfigsJson.inspect(skiffd, stubborn).path("status");
    assertEquals("CONTAINER_EXITED", killed.path("state").asText());
    assertEquals(137, killed.path("exitCode").asInt());

    started = System.nanoTime();
    skiffd.crictl("stop", "--timeout", "30", polite).orThrow("crictl stop polite");
    seconds = (System.nanoTime() - started) / 1e9;
    assertTrue(seconds < 3, "a process that exits on SIGTERM stops at once; took " + seconds + " s");
    assertEquals(0, ContainerConfigsJson.inspect(skiffd, polite).path("status").path("exitCode").asInt());
    // Stopping again is harmless.
    skiffd.crictl("stop", polite).orThrow("crictl stop polite again");
    skiffd.crictl("rm", stubborn, polite).orThrow("crictl rm");
  }

  @Test
  void badInputGetsTheRightCodeAndAClearMessage() throws Exception {
    PodSandboxConfig.Builder podProto = PodSandboxConfig.newBuilder();
    JsonFormat.parser().merge(Files.readString(podConfig), podProto);
    try (CriClient client = new CriClient(skiffd.socket())) {
      var runtime = client.runtime();

      StatusRuntimeException noImage = assertThrows(StatusRuntimeException.class, () -> runtime.createContainer(
          create(pod, podProto, config("ghost", "registry.k8s.io/not-pulled:v9", "true"))));
      assertEquals(Status.Code.NOT_FOUND, noImage.getStatus().getCode());
      assertTrue(noImage.getStatus().getDescription().contains("registry.k8s.io/not-pulled:v9"), noImage.toString());

      StatusRuntimeException noPod = assertThrows(StatusRuntimeException.class, () -> runtime.createContainer(
          create("f00dbad", podProto, config("lost", CritestRegistry.BUSYBOX, "true"))));
      assertEquals(Status.Code.NOT_FOUND, noPod.getStatus().getCode());
      assertTrue(noPod.getStatus().getDescription().contains("f00dbad"), noPod.toString());

      String first = runtime.createContainer(create(pod, podProto, config("twin", CritestRegistry.BUSYBOX, "sleep",
          "100"))).getContainerId();
      StatusRuntimeException twin = assertThrows(StatusRuntimeException.class, () -> runtime.createContainer(
          create(pod, podProto, config("twin", CritestRegistry.BUSYBOX, "sleep", "100"))));
      assertEquals(Status.Code.ALREADY_EXISTS, twin.getStatus().getCode());
      assertTrue(twin.getStatus().getDescription().contains(first), twin.toString());

      String nope = runtime.createContainer(create(pod, podProto, config("nope", CritestRegistry.BUSYBOX,
          "/bin/no-such-program"))).getContainerId();
      StatusRuntimeException startFailed = assertThrows(StatusRuntimeException.class, () -> runtime.startContainer(
          StartContainerRequest.newBuilder().setContainerId(nope).build()));
      assertTrue(startFailed.getStatus().getDescription().contains("/bin/no-such-program"), startFailed.toString());
      var status = runtime.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(nope).build())
          .getStatus();
      assertEquals(dev.skiff.cri.v1.ContainerState.CONTAINER_EXITED, status.getState());
      assertEquals("StartError", status.getReason());
      assertTrue(status.getMessage().contains("/bin/no-such-program"), status.toString());

      StatusRuntimeException stoppedExec = assertThrows(StatusRuntimeException.class, () -> runtime.execSync(
          ExecSyncRequest.newBuilder().setContainerId(nope).addCmd("true").build()));
      assertEquals(Status.Code.FAILED_PRECONDITION, stoppedExec.getStatus().getCode());
      StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> runtime.containerStatus(
          ContainerStatusRequest.newBuilder().setContainerId("0123abcd").build()));
      assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
      StatusRuntimeException noName = assertThrows(StatusRuntimeException.class, () -> runtime.createContainer(
          create(pod, podProto, ContainerConfig.newBuilder().build())));
      assertEquals(Status.Code.INVALID_ARGUMENT, noName.getStatus().getCode());

      // ExecSync past its timeout: killed, DEADLINE_EXCEEDED.
      runtime.startContainer(StartContainerRequest.newBuilder().setContainerId(first).build());
      long started = System.nanoTime();
      StatusRuntimeException slow = assertThrows(StatusRuntimeException.class, () -> runtime.execSync(
          ExecSyncRequest.newBuilder().setContainerId(first).addCmd("sleep").addCmd("60").setTimeout(1).build()));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, slow.getStatus().getCode());
      assertTrue(System.nanoTime() - started < 10_000_000_000L);
      var echoed = runtime.execSync(ExecSyncRequest.newBuilder().setContainerId(first).addCmd("sh").addCmd("-c")
          .addCmd("echo out; echo err >&2; exit 4").build());
      assertEquals("out\n", echoed.getStdout().toStringUtf8());
      assertEquals("err\n", echoed.getStderr().toStringUtf8());
      assertEquals(4, echoed.getExitCode());

      // Stop and remove of what is gone succeed, as the CRI requires.
      runtime.stopContainer(StopContainerRequest.newBuilder().setContainerId("0123abcd").build());
      runtime.removeContainer(RemoveContainerRequest.newBuilder().setContainerId("0123abcd").build());
      runtime.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(first).build());
      runtime.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(nope).build());
    }
  }

  private static CreateContainerRequest create(String podId, PodSandboxConfig.Builder podProto, ContainerConfig config) {
    return CreateContainerRequest.newBuilder().setPodSandboxId(podId).setConfig(config)
        .setSandboxConfig(podProto).build();
  }

  private static ContainerConfig config(String name, String image, String... command) {
    return ContainerConfig.newBuilder()
        .setMetadata(dev.skiff.cri.v1.ContainerMetadata.newBuilder().setName(name))
        .setImage(dev.skiff.cri.v1.ImageSpec.newBuilder().setImage(image))
        .addAllCommand(java.util.List.of(command))
        .setLogPath(name + "/0.log")
        .build();
  }
}
