package dev.skiff.server.grpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The gRPC server on the CRI unix socket: both services, behind logging and the readiness gate. */
public final class CriServer implements AutoCloseable {
  // kubelet sends up to 16 MiB messages (e.g. large ListContainers answers come back the other way).
  private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private final DaemonSocket socket;
  private final ReadinessGate gate = new ReadinessGate();
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Server server;
  private final List<AutoCloseable> companions = new ArrayList<>();

  public CriServer(DaemonSocket socket, List<BindableService> services) {
    this(socket, services, List.of());
  }

  /**
   * @param observers interceptors that watch every call (metrics); they run first, so they
   *     also see the calls the readiness gate turns away
   */
  public CriServer(DaemonSocket socket, List<BindableService> services, List<ServerInterceptor> observers) {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("Netty's epoll transport is unavailable: " + Epoll.unavailabilityCause());
    }
    this.socket = socket;
    this.boss = new EpollEventLoopGroup(1);
    this.workers = new EpollEventLoopGroup(2);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.path().toString()))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers)
        .maxInboundMessageSize(MAX_MESSAGE_BYTES);
    RequestLogging logging = new RequestLogging();
    for (BindableService service : services) {
      // Interceptors run last-added first: the gate answers before anything is logged as work.
      List<ServerInterceptor> chain = new ArrayList<>(List.of(logging, gate));
      chain.addAll(observers);
      builder.addService(ServerInterceptors.intercept(service, chain));
    }
    this.server = builder.build();
  }

  /** Closed after the gRPC server, e.g. the streaming server whose URLs the RPCs hand out. */
  public void closeWith(AutoCloseable companion) {
    companions.add(companion);
  }

  public void start() throws IOException {
    server.start();
    socket.restrictPermissions();
  }

  /** Lets calls through once recovery is done. */
  public void ready() {
    gate.open();
  }

  /** Closes companion with the server (the metrics endpoint). */
  public void closeAlso(AutoCloseable companion) {
    companions.add(companion);
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    for (AutoCloseable companion : companions) {
      try {
        companion.close();
      } catch (Exception e) {
        // Shutting down: nothing left to tell.
      }
    }
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    for (AutoCloseable companion : companions) {
      try {
        companion.close();
      } catch (Exception e) {
        // Shutting down: nothing more to do about it.
      }
    }
    socket.close();
  }
}
