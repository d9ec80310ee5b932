package dev.skiff.server.rpc.stream;

import dev.skiff.cri.v1.AttachRequest;
import dev.skiff.cri.v1.AttachResponse;
import dev.skiff.runtime.stream.Stdio;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.stream.PendingStream;
import dev.skiff.server.stream.StreamUrls;

/** Attach: checks the request and that the container runs, answers a one-time streaming URL. */
public final class AttachRpc implements Rpc<AttachRequest, AttachResponse> {
  private final ContainerLookup containers;
  private final StreamUrls urls;

  public AttachRpc(ContainerLookup containers, StreamUrls urls) {
    this.containers = containers;
    this.urls = urls;
  }

  @Override
  public AttachResponse call(AttachRequest request) {
    CriError.require(!request.getContainerId().isEmpty(), "container_id");
    Stdio stdio = StreamingRequests.stdio(request.getStdin(), request.getStdout(), request.getStderr(), request.getTty());
    ContainerLookup.Found container = StreamingRequests.runningContainer(containers, request.getContainerId());
    String url = StreamingRequests.url(urls, new PendingStream.Attach(container.id(), stdio));
    return AttachResponse.newBuilder().setUrl(url).build();
  }
}
