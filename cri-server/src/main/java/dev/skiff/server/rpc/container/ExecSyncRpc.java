package dev.skiff.server.rpc.container;

import com.google.protobuf.ByteString;
import dev.skiff.cri.v1.ExecSyncRequest;
import dev.skiff.cri.v1.ExecSyncResponse;
import dev.skiff.runtime.container.ContainerProcess;
import dev.skiff.runtime.container.ExecResult;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import java.time.Duration;

/**
 * ExecSync: run a command in a running container (its namespaces, cgroup, user,
 * capabilities) through a short-lived shim, and return its output (each stream capped at
 * 16 MiB) and exit code. Past the timeout the command is killed and the call fails
 * DEADLINE_EXCEEDED, as containerd answers.
 */
public final class ExecSyncRpc implements Rpc<ExecSyncRequest, ExecSyncResponse> {
  private final ContainerStore containers;

  public ExecSyncRpc(ContainerStore containers) {
    this.containers = containers;
  }

  @Override
  public ExecSyncResponse call(ExecSyncRequest request) throws Exception {
    CriError.require(!request.getContainerId().isEmpty(), "container_id");
    CriError.require(request.getCmdCount() > 0, "cmd");
    if (request.getTimeout() < 0) {
      throw CriError.invalid("timeout " + request.getTimeout() + " must not be negative");
    }
    ContainerRecord record = containers.find(request.getContainerId())
        .orElseThrow(() -> CriError.notFound("container " + request.getContainerId() + " not found"));
    ContainerProcess process = containers.process(record.id())
        .orElseThrow(() -> CriError.precondition("container " + record.id() + " is not running"));
    ContainerProcess.Phase phase = process.phase();
    if (phase != ContainerProcess.Phase.RUNNING) {
      throw CriError.precondition("container " + record.id() + " is not running (it is "
          + phase.name().toLowerCase() + "); cannot exec in it");
    }
    ExecResult result = process.execSync(request.getCmdList(), Duration.ofSeconds(request.getTimeout()));
    if (result.timedOut()) {
      throw new CriError(CriError.Kind.DEADLINE_EXCEEDED, "command " + request.getCmdList() + " in container "
          + record.id() + " timed out after " + request.getTimeout() + " s", null);
    }
    return ExecSyncResponse.newBuilder()
        .setStdout(ByteString.copyFrom(result.stdout()))
        .setStderr(ByteString.copyFrom(result.stderr()))
        .setExitCode(result.exitCode())
        .build();
  }
}
