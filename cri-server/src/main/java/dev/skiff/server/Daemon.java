package dev.skiff.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.skiff.image.ImageStore;
import dev.skiff.runtime.linux.MountApi;
import dev.skiff.runtime.userns.UserNamespaceSupport;
import dev.skiff.server.config.SkiffConfig;
import dev.skiff.server.grpc.CriServer;
import dev.skiff.server.grpc.DaemonSocket;
import dev.skiff.server.grpc.ImageServiceAdapter;
import dev.skiff.server.grpc.RpcMetrics;
import dev.skiff.server.grpc.RuntimeServiceAdapter;
import dev.skiff.server.metrics.DaemonMetrics;
import dev.skiff.server.metrics.ImagePullMetrics;
import dev.skiff.server.metrics.MetricsEndpoint;
import io.grpc.ServerInterceptor;
import dev.skiff.server.rpc.image.ImageFsInfoRpc;
import dev.skiff.server.rpc.image.ImageStatusRpc;
import dev.skiff.server.rpc.image.ListImagesRpc;
import dev.skiff.server.rpc.image.PullImageRpc;
import dev.skiff.server.rpc.image.RemoveImageRpc;
import dev.skiff.server.rpc.runtime.Condition;
import dev.skiff.server.rpc.runtime.HandlerFeatures;
import dev.skiff.server.rpc.runtime.RuntimeConfigRpc;
import dev.skiff.server.rpc.runtime.StatusRpc;
import dev.skiff.server.rpc.runtime.UpdateRuntimeConfigRpc;
import dev.skiff.server.rpc.runtime.VersionRpc;
import dev.skiff.server.state.ContainerStore;
import dev.skiff.server.state.RuntimeSettingsStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires skiffd together and runs it: directories, state, services, socket, signals. */
public final class Daemon {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  /** Probed once: Status reports user namespaces only where a pod's could be made and idmapped. */
  private static boolean userNamespacesSupported(Path stateDir, Path runDir) {
    Optional<String> reason = UserNamespaceSupport.unsupportedReason(List.of(stateDir, runDir));
    reason.ifPresent(why -> LOG.warn("Pod user namespaces unavailable: {}", why));
    return reason.isEmpty();
  }

  private Daemon() {}

  /** Runs until SIGTERM/SIGINT; returns the process exit code. */
  public static int run(SkiffConfig config) {
    CriServer server;
    try {
      server = start(config);
    } catch (StartupException e) {
      System.err.println("skiffd: " + e.getMessage());
      return 1;
    }
    // Running containers are never touched on the way out: their shims outlive skiffd.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("Stopping skiffd; containers keep running");
      server.close();
    }, "skiffd-shutdown"));
    try {
      server.awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Prepares state, recovers and starts serving; the caller owns the returned server. */
  public static CriServer start(SkiffConfig config) throws StartupException {
    Path stateDir = Path.of(config.daemon().stateDir());
    Path runDir = Path.of(config.daemon().runDir());
    DaemonSocket socket = null;
    RuntimeSettingsStore settings;
    PodSandboxes pods;
    ImageStore images;
    Containers containers;
    StatsAndEvents stats;
    ContainerStore containerStore;
    try {
      createPrivateDir(stateDir);
      createPrivateDir(runDir);
      socket = DaemonSocket.claim(Path.of(config.daemon().socket()));
      settings = new RuntimeSettingsStore(stateDir);
      containerStore = new ContainerStore(stateDir);
      DeferredPodContainers podContainers = new DeferredPodContainers();
      pods = PodSandboxes.create(config, settings, podContainers);
      images = ImageStore.open(ImageStoreSettingsFactory.from(config, stateDir), containerStore::snapshotsInUse);
      stats = StatsAndEvents.create(pods, containerStore);
      containers = Containers.create(config, containerStore, pods.store(), pods.cgroups(), images,
          stats.listener());
      podContainers.bind(containers.podContainers());
    } catch (DaemonSocket.SocketUnavailableException e) {
      throw new StartupException(e.getMessage());
    } catch (Exception e) {
      if (socket != null) {
        socket.close();
      }
      throw new StartupException((e instanceof IOException ? "cannot prepare state: " : "cannot prepare containers: ")
          + e.getMessage());
    }

    String configJson = toJson(config);
    StatusRpc status = new StatusRpc(
        Condition::ok,
        pods::networkCondition,
        () -> Map.of("config", configJson, "cgroupMode", pods.cgroupMode()),
        handlerFeatures(stateDir, runDir));
    Streaming streaming;
    try {
      streaming = Streaming.start(config, containerStore, pods.store());
    } catch (Exception e) {
      socket.close();
      throw new StartupException("cannot start the streaming server: " + e.getMessage());
    }
    RuntimeServiceAdapter runtime = new RuntimeServiceAdapter(
        new VersionRpc(), status, new RuntimeConfigRpc(), new UpdateRuntimeConfigRpc(settings), pods.rpcs(),
        containers.rpcs(), streaming.rpcs()).withStats(stats.rpcs(), stats.hub());
    // Recovery runs before the socket listens: the shutdown hook that removes the socket is
    // only installed once start() returns, so a client must not see skiffd before then.
    try {
      pods.recover();
    } catch (Exception e) {
      streaming.close();
      socket.close();
      throw new StartupException("cannot recover pod sandboxes: " + e);
    }
    try {
      containers.recover();
      pods.sweepOrphans();
    } catch (Exception e) {
      streaming.close();
      socket.close();
      throw new StartupException("cannot recover containers: " + e);
    }
    ImageServiceAdapter imageService = new ImageServiceAdapter(
        new PullImageRpc(images, ImageServiceAdapter::callTimeLeft), new ImageStatusRpc(images),
        new ListImagesRpc(images), new RemoveImageRpc(images), new ImageFsInfoRpc(images));
    DaemonMetrics metrics = config.metrics().enabled() ? new DaemonMetrics(pods.store(), containerStore) : null;
    List<ServerInterceptor> observers = metrics == null ? List.of()
        : List.of(new ImagePullMetrics(metrics, images), new RpcMetrics(metrics));
    CriServer server = new CriServer(socket, List.of(runtime, imageService), observers);
    server.closeWith(streaming);
    try {
      server.start();
    } catch (IOException e) {
      streaming.close();
      socket.close();
      throw new StartupException("cannot listen on " + socket.path() + ": " + e.getMessage());
    }
    if (metrics != null) {
      try {
        server.closeAlso(MetricsEndpoint.start(config.metrics().host(), config.metrics().port(), metrics));
      } catch (IOException e) {
        server.close();
        throw new StartupException("cannot serve metrics on " + config.metrics().address() + ": " + e.getMessage());
      }
    }
    server.ready();
    // Containers are recovered, so all their snapshots are known: collect what a crash before
    // indexing left, once serving (deleting an unpacked layer can take seconds).
    images.collectGarbageInBackground();
    LOG.info("skiffd {} serving CRI v1 on {}", BuildInfo.version(), socket.path());
    return server;
  }

  /** skiffd cannot start; the message is the one line it prints before exiting. */
  public static final class StartupException extends Exception {
    public StartupException(String message) {
      super(message);
    }
  }

  private static void createPrivateDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      // Containers' files live below; only root may look in.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    }
  }

  private static HandlerFeatures handlerFeatures(Path stateDir, Path runDir) {
    boolean rro = MountApi.mountSetattrSupported();
    if (!rro) {
      LOG.warn("Recursive read-only mounts unavailable: this kernel has no mount_setattr (Linux 5.12+)");
    }
    return new HandlerFeatures(rro, userNamespacesSupported(stateDir, runDir), true);
  }

  private static String toJson(SkiffConfig config) {
    try {
      return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .writeValueAsString(config);
    } catch (IOException e) {
      return "{}";
    }
  }
}
