package dev.skiff.server.stream;

import dev.skiff.runtime.stream.StreamBackend;
import dev.skiff.server.config.StreamingConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.File;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * skiff's streaming server: plain HTTP (or HTTPS) on one address, upgraded per request to
 * SPDY/3.1 or WebSocket. See the package documentation for the protocols.
 */
public final class StreamServer implements StreamUrls, AutoCloseable {
  static final String HTTP_CODEC = "http-codec";
  static final String HTTP_AGGREGATOR = "http-aggregator";
  static final Duration STREAM_CREATION_TIMEOUT = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(StreamServer.class);
  // The upgrade requests carry no body (SPDY POSTs may say Content-Length: 0).
  private static final int MAX_REQUEST_BYTES = 64 * 1024;
  private static final String IO_THREAD_PREFIX = "skiff-stream-io-";

  private final StreamTokens tokens;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ExecutorService io;
  private final Channel listener;
  private final String baseUrl;

  private StreamServer(StreamTokens tokens, EventLoopGroup boss, EventLoopGroup workers, ExecutorService io,
      Channel listener, String baseUrl) {
    this.tokens = tokens;
    this.boss = boss;
    this.workers = workers;
    this.io = io;
    this.listener = listener;
    this.baseUrl = baseUrl;
  }

  public static StreamServer start(StreamingConfig config, StreamBackend backend) throws IOException {
    SslContext ssl = null;
    if (config.tls()) {
      ssl = SslContextBuilder.forServer(new File(config.tlsCertFile()), new File(config.tlsKeyFile())).build();
    }
    return start(InetAddress.getByName(config.address()), config.port(), Duration.ofSeconds(config.tokenTtlSeconds()),
        ssl, backend, STREAM_CREATION_TIMEOUT, Duration.ofSeconds(config.idleTimeoutSeconds()));
  }

  /** idleTimeout zero: connections may stay idle for ever. */
  static StreamServer start(InetAddress address, int port, Duration tokenTtl, SslContext ssl, StreamBackend backend,
      Duration streamCreationTimeout, Duration idleTimeout) throws IOException {
    StreamTokens tokens = new StreamTokens(tokenTtl);
    ExecutorService io = ioThreads();
    StreamContext context = new StreamContext(tokens, backend, io, streamCreationTimeout);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            if (!idleTimeout.isZero()) {
              channel.pipeline()
                  .addLast("idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS))
                  .addLast("idle-close", new IdleConnectionCloser());
            }
            if (ssl != null) {
              channel.pipeline().addLast("tls", ssl.newHandler(channel.alloc()));
            }
            channel.pipeline()
                .addLast(HTTP_CODEC, new HttpServerCodec())
                .addLast(HTTP_AGGREGATOR, new HttpObjectAggregator(MAX_REQUEST_BYTES))
                .addLast("router", new StreamRouter(context, ssl != null));
          }
        });
    Channel listener;
    try {
      listener = bootstrap.bind(address, port).sync().channel();
    } catch (Exception e) {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      io.shutdownNow();
      throw new IOException("cannot listen for streaming on " + address.getHostAddress() + ":" + port + ": " + e, e);
    }
    int boundPort = ((InetSocketAddress) listener.localAddress()).getPort();
    String host = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
    String baseUrl = (ssl != null ? "https://" : "http://") + host + ":" + boundPort;
    LOG.info("Streaming server listening on {}", baseUrl);
    return new StreamServer(tokens, boss, workers, io, listener, baseUrl);
  }

  @Override
  public String urlFor(PendingStream request) throws StreamTokens.TooManyStreamsException {
    return baseUrl + "/" + request.endpoint().path() + "/" + tokens.issue(request);
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public void close() {
    listener.close().awaitUninterruptibly();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    io.shutdownNow();
  }

  /**
   * Pump threads, created on demand: each blocks on one process or socket stream. Idle ones
   * end after a few seconds, so a finished session leaves no thread behind.
   */
  private static ExecutorService ioThreads() {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 2, TimeUnit.SECONDS, new SynchronousQueue<>(),
        runnable -> {
          Thread thread = new Thread(runnable, IO_THREAD_PREFIX + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    return pool;
  }
}
