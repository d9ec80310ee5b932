package dev.skiff.server.rpc.stream;

import dev.skiff.cri.v1.ExecRequest;
import dev.skiff.cri.v1.ExecResponse;
import dev.skiff.runtime.stream.Stdio;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.stream.PendingStream;
import dev.skiff.server.stream.StreamUrls;

/**
 * Exec: checks the request and the container, caches it under a one-time token and answers the
 * streaming URL. Nothing runs until the client connects there.
 */
public final class ExecRpc implements Rpc<ExecRequest, ExecResponse> {
  private final ContainerLookup containers;
  private final StreamUrls urls;

  public ExecRpc(ContainerLookup containers, StreamUrls urls) {
    this.containers = containers;
    this.urls = urls;
  }

  @Override
  public ExecResponse call(ExecRequest request) {
    CriError.require(!request.getContainerId().isEmpty(), "container_id");
    if (request.getCmdCount() == 0) {
      throw CriError.invalid("cmd is required: the command to execute in container " + request.getContainerId());
    }
    Stdio stdio = StreamingRequests.stdio(request.getStdin(), request.getStdout(), request.getStderr(), request.getTty());
    ContainerLookup.Found container = StreamingRequests.runningContainer(containers, request.getContainerId());
    String url = StreamingRequests.url(urls, new PendingStream.Exec(container.id(), request.getCmdList(), stdio));
    return ExecResponse.newBuilder().setUrl(url).build();
  }
}
