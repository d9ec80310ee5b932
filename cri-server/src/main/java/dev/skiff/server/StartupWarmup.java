package dev.skiff.server;

import java.util.List;

/**
 * Initializes, on a second thread while the main thread reads the command line and the
 * config, the classes whose first use is slow and which the class-data-sharing archive cannot
 * hold: jnr-ffi generates each binding's code when it is loaded, logback parses its XML, the
 * CRI descriptors and gRPC/Netty build large static tables. Class initialization runs once,
 * under the JVM's lock: the main thread finds the work done, or waits for it, never repeats it.
 * Nothing here has a side effect beyond the JVM: no file, socket, cgroup or log line.
 */
final class StartupWarmup {
  private static final List<String> CLASSES = List.of(
      "dev.skiff.runtime.linux.LibC",
      "dev.skiff.runtime.linux.Nftables",
      "com.fasterxml.jackson.dataformat.toml.TomlMapper",
      "dev.skiff.cri.v1.CriApi",
      "dev.skiff.cri.v1.RuntimeServiceGrpc",
      "io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder",
      "io.netty.bootstrap.ServerBootstrap",
      "io.netty.handler.codec.http.HttpServerCodec");

  private StartupWarmup() {}

  static void start() {
    Thread thread = new Thread(StartupWarmup::run, "skiffd-warmup");
    thread.setDaemon(true);
    thread.start();
  }

  private static void run() {
    ClassLoader loader = StartupWarmup.class.getClassLoader();
    for (String name : CLASSES) {
      try {
        Class.forName(name, true, loader);
      } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
        // Not ours to report: the main thread meets the same error where the class is used.
      }
    }
  }
}
