package dev.skiff.server.rpc.runtime;

import dev.skiff.cri.v1.CgroupDriver;
import dev.skiff.cri.v1.LinuxRuntimeConfiguration;
import dev.skiff.cri.v1.RuntimeConfigRequest;
import dev.skiff.cri.v1.RuntimeConfigResponse;
import dev.skiff.server.rpc.Rpc;

/**
 * RuntimeConfig: skiff manages cgroups through cgroupfs. The driver is always set
 * explicitly, since SYSTEMD is the enum's zero value and an empty answer would mean systemd.
 */
public final class RuntimeConfigRpc implements Rpc<RuntimeConfigRequest, RuntimeConfigResponse> {
  @Override
  public RuntimeConfigResponse call(RuntimeConfigRequest request) {
    return RuntimeConfigResponse.newBuilder()
        .setLinux(LinuxRuntimeConfiguration.newBuilder().setCgroupDriver(CgroupDriver.CGROUPFS))
        .build();
  }
}
