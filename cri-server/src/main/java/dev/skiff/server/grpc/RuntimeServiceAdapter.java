package dev.skiff.server.grpc;

import dev.skiff.cri.v1.ListPodSandboxRequest;
import dev.skiff.cri.v1.ListPodSandboxResponse;
import dev.skiff.cri.v1.PodSandboxStatusRequest;
import dev.skiff.cri.v1.PodSandboxStatusResponse;
import dev.skiff.cri.v1.RemovePodSandboxRequest;
import dev.skiff.cri.v1.RemovePodSandboxResponse;
import dev.skiff.cri.v1.RunPodSandboxRequest;
import dev.skiff.cri.v1.RunPodSandboxResponse;
import dev.skiff.cri.v1.RuntimeConfigRequest;
import dev.skiff.cri.v1.RuntimeConfigResponse;
import dev.skiff.cri.v1.RuntimeServiceGrpc;
import dev.skiff.cri.v1.StatusRequest;
import dev.skiff.cri.v1.StatusResponse;
import dev.skiff.cri.v1.StopPodSandboxRequest;
import dev.skiff.cri.v1.StopPodSandboxResponse;
import dev.skiff.cri.v1.UpdateRuntimeConfigRequest;
import dev.skiff.cri.v1.UpdateRuntimeConfigResponse;
import dev.skiff.cri.v1.VersionRequest;
import dev.skiff.cri.v1.VersionResponse;
import dev.skiff.server.rpc.runtime.RuntimeConfigRpc;
import dev.skiff.server.rpc.runtime.StatusRpc;
import dev.skiff.server.rpc.runtime.UpdateRuntimeConfigRpc;
import dev.skiff.server.rpc.runtime.VersionRpc;
import dev.skiff.server.rpc.sandbox.SandboxRpcs;
import io.grpc.stub.StreamObserver;

/**
 * RuntimeService: each built RPC delegates to its own class. Every RPC not overridden here
 * answers UNIMPLEMENTED with its full name (the generated base class does that).
 */
public final class RuntimeServiceAdapter extends RuntimeServiceGrpc.RuntimeServiceImplBase {
  private final VersionRpc version;
  private final StatusRpc status;
  private final RuntimeConfigRpc runtimeConfig;
  private final UpdateRuntimeConfigRpc updateRuntimeConfig;
  private final SandboxRpcs sandbox;

  /** Without pod sandbox RPCs (they answer UNIMPLEMENTED), as unit tests of the runtime RPCs use it. */
  public RuntimeServiceAdapter(VersionRpc version, StatusRpc status, RuntimeConfigRpc runtimeConfig,
      UpdateRuntimeConfigRpc updateRuntimeConfig) {
    this(version, status, runtimeConfig, updateRuntimeConfig, null);
  }

  public RuntimeServiceAdapter(VersionRpc version, StatusRpc status, RuntimeConfigRpc runtimeConfig,
      UpdateRuntimeConfigRpc updateRuntimeConfig, SandboxRpcs sandbox) {
    this.version = version;
    this.status = status;
    this.runtimeConfig = runtimeConfig;
    this.updateRuntimeConfig = updateRuntimeConfig;
    this.sandbox = sandbox;
  }

  @Override
  public void version(VersionRequest request, StreamObserver<VersionResponse> responses) {
    UnaryCalls.run("Version", request, responses, version);
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> responses) {
    UnaryCalls.run("Status", request, responses, status);
  }

  @Override
  public void runtimeConfig(RuntimeConfigRequest request, StreamObserver<RuntimeConfigResponse> responses) {
    UnaryCalls.run("RuntimeConfig", request, responses, runtimeConfig);
  }

  @Override
  public void updateRuntimeConfig(UpdateRuntimeConfigRequest request,
      StreamObserver<UpdateRuntimeConfigResponse> responses) {
    UnaryCalls.run("UpdateRuntimeConfig", request, responses, updateRuntimeConfig);
  }

  @Override
  public void runPodSandbox(RunPodSandboxRequest request, StreamObserver<RunPodSandboxResponse> responses) {
    if (sandbox == null) {
      super.runPodSandbox(request, responses);
      return;
    }
    UnaryCalls.run("RunPodSandbox", request, responses, sandbox.run());
  }

  @Override
  public void stopPodSandbox(StopPodSandboxRequest request, StreamObserver<StopPodSandboxResponse> responses) {
    if (sandbox == null) {
      super.stopPodSandbox(request, responses);
      return;
    }
    UnaryCalls.run("StopPodSandbox", request, responses, sandbox.stop());
  }

  @Override
  public void removePodSandbox(RemovePodSandboxRequest request, StreamObserver<RemovePodSandboxResponse> responses) {
    if (sandbox == null) {
      super.removePodSandbox(request, responses);
      return;
    }
    UnaryCalls.run("RemovePodSandbox", request, responses, sandbox.remove());
  }

  @Override
  public void podSandboxStatus(PodSandboxStatusRequest request, StreamObserver<PodSandboxStatusResponse> responses) {
    if (sandbox == null) {
      super.podSandboxStatus(request, responses);
      return;
    }
    UnaryCalls.run("PodSandboxStatus", request, responses, sandbox.status());
  }

  @Override
  public void listPodSandbox(ListPodSandboxRequest request, StreamObserver<ListPodSandboxResponse> responses) {
    if (sandbox == null) {
      super.listPodSandbox(request, responses);
      return;
    }
    UnaryCalls.run("ListPodSandbox", request, responses, sandbox.list());
  }
}
