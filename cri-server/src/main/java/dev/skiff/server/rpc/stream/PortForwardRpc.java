package dev.skiff.server.rpc.stream;

import dev.skiff.cri.v1.PortForwardRequest;
import dev.skiff.cri.v1.PortForwardResponse;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.stream.PendingStream;
import dev.skiff.server.stream.StreamUrls;

/**
 * PortForward: checks the sandbox is ready, answers a one-time streaming URL. SPDY clients name
 * the port per connection; the port list only matters to WebSocket v4 clients, and may be
 * empty (crictl and critest send none).
 */
public final class PortForwardRpc implements Rpc<PortForwardRequest, PortForwardResponse> {
  private final PodLookup pods;
  private final StreamUrls urls;

  public PortForwardRpc(PodLookup pods, StreamUrls urls) {
    this.pods = pods;
    this.urls = urls;
  }

  @Override
  public PortForwardResponse call(PortForwardRequest request) {
    CriError.require(!request.getPodSandboxId().isEmpty(), "pod_sandbox_id");
    for (int port : request.getPortList()) {
      if (port < 1 || port > 65535) {
        throw CriError.invalid("port " + port + " is out of range 1..65535");
      }
    }
    PodLookup.Found pod = pods.find(request.getPodSandboxId())
        .orElseThrow(() -> CriError.notFound("pod sandbox " + request.getPodSandboxId() + " not found"));
    if (!pod.ready()) {
      throw CriError.precondition("pod sandbox " + pod.id() + " is not ready (state " + pod.state() + ")");
    }
    String url = StreamingRequests.url(urls, new PendingStream.PortForward(pod.id(), request.getPortList()));
    return PortForwardResponse.newBuilder().setUrl(url).build();
  }
}
