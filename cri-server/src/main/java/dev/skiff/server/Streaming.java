package dev.skiff.server;

import dev.skiff.runtime.container.ContainerException;
import dev.skiff.runtime.container.ShimBinary;
import dev.skiff.runtime.stream.ContainerStreams;
import dev.skiff.server.config.SkiffConfig;
import dev.skiff.server.rpc.stream.AttachRpc;
import dev.skiff.server.rpc.stream.ContainerLookup;
import dev.skiff.server.rpc.stream.ExecRpc;
import dev.skiff.server.rpc.stream.PortForwardRpc;
import dev.skiff.server.rpc.stream.StoreLookups;
import dev.skiff.server.rpc.stream.StreamRpcs;
import dev.skiff.server.state.ContainerStore;
import dev.skiff.server.state.PodStore;
import dev.skiff.server.stream.StreamServer;
import java.io.IOException;

/** Exec, Attach and PortForward wired together: the streaming server, its backend over the shims, the RPCs. */
public final class Streaming implements AutoCloseable {
  private final StreamServer server;
  private final StreamRpcs rpcs;

  private Streaming(StreamServer server, StreamRpcs rpcs) {
    this.server = server;
    this.rpcs = rpcs;
  }

  public static Streaming start(SkiffConfig config, ContainerStore containers, PodStore pods)
      throws IOException, ContainerException {
    ContainerStreams backend = new ContainerStreams(id -> StoreLookups.process(containers, id),
        id -> StoreLookups.podNetwork(pods, id), ShimBinary.locate());
    StreamServer server = StreamServer.start(config.streaming(), backend);
    ContainerLookup containerLookup = StoreLookups.containers(containers);
    StreamRpcs rpcs = new StreamRpcs(new ExecRpc(containerLookup, server), new AttachRpc(containerLookup, server),
        new PortForwardRpc(StoreLookups.pods(pods), server));
    return new Streaming(server, rpcs);
  }

  public StreamRpcs rpcs() {
    return rpcs;
  }

  @Override
  public void close() {
    server.close();
  }
}
