package dev.skiff.server.rpc.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.cri.v1.AttachRequest;
import dev.skiff.cri.v1.ExecRequest;
import dev.skiff.cri.v1.PortForwardRequest;
import dev.skiff.runtime.stream.Stdio;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.stream.PendingStream;
import dev.skiff.server.stream.StreamTokens;
import dev.skiff.server.stream.StreamUrls;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Exec, Attach and PortForward: validation, lookup, state check, and what gets cached. */
class StreamingRpcsTest {
  private static final String RUNNING = "3f2a9c";
  private static final String EXITED = "77e1b0";
  private final Map<String, ContainerLookup.Found> containerTable = Map.of(
      RUNNING, new ContainerLookup.Found(RUNNING + "00full", true, "CONTAINER_RUNNING"),
      EXITED, new ContainerLookup.Found(EXITED + "00full", false, "CONTAINER_EXITED"));
  private final ContainerLookup containers = id -> Optional.ofNullable(containerTable.get(id));
  private final PodLookup pods = id -> switch (id) {
    case "pod-ready" -> Optional.of(new PodLookup.Found("pod-ready-full", true, "SANDBOX_READY"));
    case "pod-down" -> Optional.of(new PodLookup.Found("pod-down-full", false, "SANDBOX_NOTREADY"));
    default -> Optional.empty();
  };
  private final List<PendingStream> issued = new ArrayList<>();
  private final StreamUrls urls = request -> {
    issued.add(request);
    return "http://127.0.0.1:4242/" + request.endpoint().path() + "/token" + issued.size();
  };

  @Test
  void execCachesTheResolvedRequestAndAnswersTheUrl() {
    ExecRequest request = ExecRequest.newBuilder().setContainerId(RUNNING).addCmd("sh").addCmd("-c").addCmd("echo hi")
        .setStdout(true).setStderr(true).build();
    assertEquals("http://127.0.0.1:4242/exec/token1", new ExecRpc(containers, urls).call(request).getUrl());
    assertEquals(new PendingStream.Exec(RUNNING + "00full", List.of("sh", "-c", "echo hi"),
        new Stdio(false, true, true, false)), issued.get(0));
  }

  @Test
  void execRejectsBadRequestsWithInvalidArgument() {
    ExecRpc exec = new ExecRpc(containers, urls);
    ExecRequest good = ExecRequest.newBuilder().setContainerId(RUNNING).addCmd("ls").setStdout(true).build();
    assertCode(CriError.Kind.INVALID_ARGUMENT, "container_id", () -> exec.call(good.toBuilder().clearContainerId().build()));
    assertCode(CriError.Kind.INVALID_ARGUMENT, "cmd", () -> exec.call(good.toBuilder().clearCmd().build()));
    assertCode(CriError.Kind.INVALID_ARGUMENT, "tty and stderr",
        () -> exec.call(good.toBuilder().setTty(true).setStderr(true).build()));
    assertCode(CriError.Kind.INVALID_ARGUMENT, "one of stdin, stdout, or stderr",
        () -> exec.call(good.toBuilder().setStdout(false).build()));
    assertTrue(issued.isEmpty());
  }

  @Test
  void execOnUnknownOrStoppedContainerIsNotFoundOrPrecondition() {
    ExecRpc exec = new ExecRpc(containers, urls);
    ExecRequest request = ExecRequest.newBuilder().setContainerId("nope").addCmd("ls").setStdout(true).build();
    assertCode(CriError.Kind.NOT_FOUND, "container nope not found", () -> exec.call(request));
    assertCode(CriError.Kind.FAILED_PRECONDITION, "CONTAINER_EXITED",
        () -> exec.call(request.toBuilder().setContainerId(EXITED).build()));
    assertTrue(issued.isEmpty());
  }

  @Test
  void tooManyPendingUrlsIsResourceExhausted() {
    StreamUrls full = request -> {
      throw new StreamTokens.TooManyStreamsException("maximum number of in-flight streaming requests exceeded (1000)");
    };
    ExecRequest request = ExecRequest.newBuilder().setContainerId(RUNNING).addCmd("ls").setStdout(true).build();
    assertCode(CriError.Kind.RESOURCE_EXHAUSTED, "in-flight", () -> new ExecRpc(containers, full).call(request));
  }

  @Test
  void attachValidatesLikeExecWithoutCommand() {
    AttachRpc attach = new AttachRpc(containers, urls);
    AttachRequest request = AttachRequest.newBuilder().setContainerId(RUNNING).setStdin(true).setTty(true)
        .setStdout(true).build();
    assertEquals("http://127.0.0.1:4242/attach/token1", attach.call(request).getUrl());
    assertEquals(new PendingStream.Attach(RUNNING + "00full", new Stdio(true, true, false, true)), issued.get(0));
    assertCode(CriError.Kind.INVALID_ARGUMENT, "tty and stderr",
        () -> attach.call(request.toBuilder().setStderr(true).build()));
    assertCode(CriError.Kind.INVALID_ARGUMENT, "container_id",
        () -> attach.call(request.toBuilder().clearContainerId().build()));
    assertCode(CriError.Kind.NOT_FOUND, "not found", () -> attach.call(request.toBuilder().setContainerId("x").build()));
  }

  @Test
  void portForwardChecksSandboxAndPorts() {
    PortForwardRpc forward = new PortForwardRpc(pods, urls);
    PortForwardRequest request = PortForwardRequest.newBuilder().setPodSandboxId("pod-ready").addPort(80).build();
    assertEquals("http://127.0.0.1:4242/portforward/token1", forward.call(request).getUrl());
    assertEquals(new PendingStream.PortForward("pod-ready-full", List.of(80)), issued.get(0));
    assertEquals("http://127.0.0.1:4242/portforward/token2",
        forward.call(request.toBuilder().clearPort().build()).getUrl());
    assertCode(CriError.Kind.INVALID_ARGUMENT, "pod_sandbox_id",
        () -> forward.call(request.toBuilder().clearPodSandboxId().build()));
    assertCode(CriError.Kind.INVALID_ARGUMENT, "port 70000",
        () -> forward.call(request.toBuilder().addPort(70000).build()));
    assertCode(CriError.Kind.INVALID_ARGUMENT, "port 0", () -> forward.call(request.toBuilder().addPort(0).build()));
    assertCode(CriError.Kind.NOT_FOUND, "pod sandbox gone not found",
        () -> forward.call(request.toBuilder().setPodSandboxId("gone").build()));
    assertCode(CriError.Kind.FAILED_PRECONDITION, "SANDBOX_NOTREADY",
        () -> forward.call(request.toBuilder().setPodSandboxId("pod-down").build()));
  }

  private static void assertCode(CriError.Kind kind, String messagePart, Executable call) {
    CriError e = assertThrows(CriError.class, call::execute);
    assertEquals(kind, e.kind(), e.getMessage());
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
  }

  @FunctionalInterface
  private interface Executable {
    void execute();
  }
}
