package dev.skiff.server.cli;

import dev.skiff.cri.v1.RuntimeServiceGrpc;
import dev.skiff.cri.v1.StatusRequest;
import dev.skiff.cri.v1.VersionRequest;
import dev.skiff.runtime.cgroup.CgroupDrivers;
import dev.skiff.server.Daemon;
import dev.skiff.server.config.ConfigLoader;
import dev.skiff.server.config.SkiffConfig;
import dev.skiff.server.grpc.CriServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The build's class-data-sharing training run: starts skiffd on a temporary socket, serves a
 * few calls, and exits, so that {@code -XX:ArchiveClassesAtExit} records the classes a real
 * start loads. bin/skiffd then maps that archive and starts in about half the time.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("skiffd-cds-");
    SkiffConfig config = ConfigLoader.load(null, false, Map.of(
        "daemon.socket", dir.resolve("skiff.sock").toString(),
        "daemon.state_dir", dir.resolve("state").toString(),
        "daemon.run_dir", dir.resolve("run").toString(),
        "daemon.log_level", "warn",
        // Below the build's own cgroup, and removed afterwards: the build must leave no cgroup.
        "cgroup.root", "skiffd-cds-" + ProcessHandle.current().pid()));
    try {
      CriServer server = Daemon.start(config);
      EpollEventLoopGroup group = new EpollEventLoopGroup(1);
      ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(config.daemon().socket()))
          .eventLoopGroup(group).channelType(EpollDomainSocketChannel.class).usePlaintext().build();
      RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime = RuntimeServiceGrpc.newBlockingStub(channel);
      runtime.version(VersionRequest.getDefaultInstance());
      runtime.status(StatusRequest.newBuilder().setVerbose(true).build());
      channel.shutdownNow();
      group.shutdownGracefully();
      server.close();
    } finally {
      for (Path cgroup : CgroupDrivers.detect(config.cgroup().root()).directories("")) {
        Files.deleteIfExists(cgroup);
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
    System.exit(0);
  }
}
