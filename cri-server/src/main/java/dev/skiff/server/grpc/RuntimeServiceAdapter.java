package dev.skiff.server.grpc;

import dev.skiff.cri.v1.RuntimeConfigRequest;
import dev.skiff.cri.v1.RuntimeConfigResponse;
import dev.skiff.cri.v1.RuntimeServiceGrpc;
import dev.skiff.cri.v1.StatusRequest;
import dev.skiff.cri.v1.StatusResponse;
import dev.skiff.cri.v1.UpdateRuntimeConfigRequest;
import dev.skiff.cri.v1.UpdateRuntimeConfigResponse;
import dev.skiff.cri.v1.VersionRequest;
import dev.skiff.cri.v1.VersionResponse;
import dev.skiff.server.rpc.runtime.RuntimeConfigRpc;
import dev.skiff.server.rpc.runtime.StatusRpc;
import dev.skiff.server.rpc.runtime.UpdateRuntimeConfigRpc;
import dev.skiff.server.rpc.runtime.VersionRpc;
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

  public RuntimeServiceAdapter(VersionRpc version, StatusRpc status, RuntimeConfigRpc runtimeConfig,
      UpdateRuntimeConfigRpc updateRuntimeConfig) {
    this.version = version;
    this.status = status;
    this.runtimeConfig = runtimeConfig;
    this.updateRuntimeConfig = updateRuntimeConfig;
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
}
