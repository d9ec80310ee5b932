package dev.skiff.server.rpc.runtime;

import dev.skiff.cri.v1.UpdateRuntimeConfigRequest;
import dev.skiff.cri.v1.UpdateRuntimeConfigResponse;
import dev.skiff.server.config.Ipv4Cidr;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.RuntimeSettings;
import dev.skiff.server.state.RuntimeSettingsStore;

/**
 * UpdateRuntimeConfig: kubelet hands over the node's pod CIDR. Only IPv4 is used; a
 * dual-stack value ("v4,v6") keeps its IPv4 part. An empty CIDR changes nothing, as in
 * containerd.
 */
public final class UpdateRuntimeConfigRpc implements Rpc<UpdateRuntimeConfigRequest, UpdateRuntimeConfigResponse> {
  private final RuntimeSettingsStore settings;

  public UpdateRuntimeConfigRpc(RuntimeSettingsStore settings) {
    this.settings = settings;
  }

  @Override
  public UpdateRuntimeConfigResponse call(UpdateRuntimeConfigRequest request) throws Exception {
    CriError.require(request.hasRuntimeConfig(), "runtime_config");
    CriError.require(request.getRuntimeConfig().hasNetworkConfig(), "runtime_config.network_config");
    String podCidr = request.getRuntimeConfig().getNetworkConfig().getPodCidr().trim();
    if (podCidr.isEmpty()) {
      return UpdateRuntimeConfigResponse.getDefaultInstance();
    }
    String ipv4 = null;
    for (String candidate : podCidr.split(",")) {
      if (!candidate.contains(":")) {
        ipv4 = candidate.trim();
        break;
      }
    }
    if (ipv4 == null) {
      throw CriError.invalid("runtime_config.network_config.pod_cidr '" + podCidr + "' has no IPv4 CIDR; skiff's pod network is IPv4");
    }
    Ipv4Cidr cidr;
    try {
      cidr = Ipv4Cidr.parse(ipv4);
    } catch (IllegalArgumentException e) {
      throw CriError.invalid("runtime_config.network_config.pod_cidr: " + e.getMessage());
    }
    settings.update(new RuntimeSettings(cidr.toString()));
    return UpdateRuntimeConfigResponse.getDefaultInstance();
  }
}
