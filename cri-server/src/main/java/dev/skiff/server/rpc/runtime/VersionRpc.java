package dev.skiff.server.rpc.runtime;

import dev.skiff.cri.v1.VersionRequest;
import dev.skiff.cri.v1.VersionResponse;
import dev.skiff.server.BuildInfo;
import dev.skiff.server.rpc.Rpc;

/** Version: who we are. The "version" field is the kubelet API version, which is 0.1.0. */
public final class VersionRpc implements Rpc<VersionRequest, VersionResponse> {
  private final VersionResponse response = VersionResponse.newBuilder()
      .setVersion("0.1.0")
      .setRuntimeName("skiff")
      .setRuntimeVersion(BuildInfo.version())
      .setRuntimeApiVersion("v1")
      .build();

  @Override
  public VersionResponse call(VersionRequest request) {
    return response;
  }
}
