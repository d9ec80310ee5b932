package dev.skiff.server.rpc.container;

import com.google.protobuf.util.JsonFormat;
import dev.skiff.cri.v1.ContainerConfig;
import dev.skiff.cri.v1.CreateContainerRequest;
import dev.skiff.cri.v1.CreateContainerResponse;
import dev.skiff.image.ImageRootfs;
import dev.skiff.image.ImageStore;
import dev.skiff.runtime.cgroup.CgroupDriver;
import dev.skiff.runtime.cgroup.CgroupLimits;
import dev.skiff.runtime.container.Bundle;
import dev.skiff.runtime.container.ContainerProcess;
import dev.skiff.runtime.container.ContainerSpec;
import dev.skiff.runtime.container.NamespacePaths;
import dev.skiff.runtime.container.OverlayRootfs;
import dev.skiff.runtime.container.PodFiles;
import dev.skiff.runtime.container.RuntimeSpec;
import dev.skiff.runtime.container.RuntimeSpecBuilder;
import dev.skiff.runtime.container.ShimLauncher;
import dev.skiff.runtime.pod.NamespaceMode;
import dev.skiff.runtime.pod.PodSandbox;
import dev.skiff.runtime.pod.Rollback;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.rpc.StepTimes;
import dev.skiff.server.rpc.sandbox.PodSandboxConfigs;
import dev.skiff.server.state.ContainerMetadata;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import dev.skiff.server.state.PodRecord;
import dev.skiff.server.state.PodState;
import dev.skiff.server.state.PodStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CreateContainer: validate the config, look up the pod (READY) and the image, reserve the
 * name and pin the image's snapshots, persist the record (so a crash from here on leaves
 * something recovery can find and clean), then build: cgroup, overlay rootfs, bundle, shim.
 * The record's fsync and the pod's PID namespace lookup run in the background meanwhile and
 * are awaited before anything is published.
 * The process is created and waits for StartContainer. Every step pushes its undo.
 */
public final class CreateContainerRpc implements Rpc<CreateContainerRequest, CreateContainerResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(CreateContainerRpc.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The record's fsync and the pod's PID namespace lookup (which may start its init) run here meanwhile. */
  private static final ExecutorService BACKGROUND = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "skiff-create-background");
    thread.setDaemon(true);
    return thread;
  });

  private final PodStore pods;
  private final ContainerStore containers;
  private final ImageStore images;
  private final CgroupDriver cgroups;
  private final ShimLauncher launcher;
  private final ContainerDirectories dirs;
  private final ContainerTeardown teardown;
  private final Set<String> hostCapabilities;
  private final Clock clock;

  public CreateContainerRpc(PodStore pods, ContainerStore containers, ImageStore images, CgroupDriver cgroups,
      ShimLauncher launcher, ContainerDirectories dirs, ContainerTeardown teardown, Set<String> hostCapabilities,
      Clock clock) {
    this.pods = pods;
    this.containers = containers;
    this.images = images;
    this.cgroups = cgroups;
    this.launcher = launcher;
    this.dirs = dirs;
    this.teardown = teardown;
    this.hostCapabilities = hostCapabilities;
    this.clock = clock;
  }

  @Override
  public CreateContainerResponse call(CreateContainerRequest request) throws Exception {
    // validate
    CriError.require(!request.getPodSandboxId().isEmpty(), "pod_sandbox_id");
    CriError.require(request.hasConfig(), "config");
    ContainerConfig config = request.getConfig();
    ContainerMetadata metadata = ContainerConfigs.metadata(config);
    CriError.require(config.hasImage() && !config.getImage().getImage().isEmpty(), "config.image.image");

    // look up
    PodRecord found = pods.find(request.getPodSandboxId())
        .orElseThrow(() -> CriError.notFound("pod sandbox " + request.getPodSandboxId() + " not found"));
    synchronized (pods.lockFor(found.id())) {
      PodRecord pod = pods.get(found.id())
          .orElseThrow(() -> CriError.notFound("pod sandbox " + request.getPodSandboxId() + " not found"));
      // check state
      if (pod.state() != PodState.READY) {
        throw CriError.precondition("pod sandbox " + pod.id() + " is not ready; cannot create container "
            + metadata.name() + " in it");
      }
      StepTimes times = new StepTimes();
      ImageRootfs image = images.rootfs(config.getImage().getImage());
      times.mark("image");
      return create(pod, config, metadata, image, times);
    }
  }

  private CreateContainerResponse create(PodRecord pod, ContainerConfig config, ContainerMetadata metadata,
      ImageRootfs image, StepTimes times) throws Exception {
    String id = HexFormat.of().formatHex(randomBytes());
    String logPath = ContainerConfigs.logPath(pod.logDirectory(), config.getLogPath());
    CgroupLimits limits = PodSandboxConfigs.limits(config.getLinux().getResources());
    NamespaceMode pidMode = ContainerConfigs.pidMode(config);
    int stopSignal = ContainerConfigs.stopSignal(config, image.config());
    var process = ContainerConfigs.process(config);
    var security = ContainerConfigs.security(config);
    var mounts = ContainerConfigs.mounts(config);
    var devices = ContainerConfigs.devices(config);
    PodSandbox sandbox = pod.sandbox();
    String cgroup = sandbox.cgroup() + "/ctr-" + id;
    Bundle bundle = new Bundle(dirs.bundle(id));
    Path layer = dirs.layer(id);
    Instant now = clock.instant();
    ContainerRecord record = new ContainerRecord(id, pod.id(), metadata, config.getImage().getImage(),
        image.imageId(), config.getLabelsMap(), config.getAnnotationsMap(),
        now.getEpochSecond() * 1_000_000_000L + now.getNano(), logPath, bundle.dir().toString(), layer.toString(),
        cgroup, image.layers().stream().map(Path::toString).toList(), stopSignal, pidMode,
        JsonFormat.printer().print(config), JsonFormat.printer().print(config.getLinux().getResources()));

    // reserve
    Rollback rollback = new Rollback("CreateContainer " + metadata.name() + " in pod " + pod.id());
    containers.reserveName(pod.id(), metadata, id);
    rollback.push("name reservation", () -> containers.releaseName(pod.id(), metadata, id));
    containers.pin(id, image.layers());
    rollback.push("snapshot pins", () -> containers.unpin(id));
    CompletableFuture<NamespacePaths> namespacesLookup = null;
    try {
      for (Path snapshot : image.layers()) {
        if (!Files.isDirectory(snapshot)) {
          throw CriError.notFound("image " + config.getImage().getImage() + " was removed while container "
              + metadata.name() + " was being created");
        }
      }
      times.mark("spec");
      // Starting the pod's PID init (pid = POD) takes a process; it overlaps the steps below.
      namespacesLookup = CompletableFuture.supplyAsync(() -> {
        try {
          return PidNamespaces.resolve(sandbox, pod.id(), pidMode,
              config.getLinux().getSecurityContext().getNamespaceOptions().getTargetId(), containers, cgroups);
        } catch (Exception e) {
          throw new CompletionException(e);
        }
      }, BACKGROUND);
      // Written now, so a crash of skiffd from here on finds it; its fsync overlaps the shim's start.
      CompletableFuture<Void> recordDurable = containers.persistSyncingLater(record, BACKGROUND);
      times.mark("record");
      rollback.push("container record and files", () -> {
        awaitQuietly(recordDurable);
        teardown.release(record);
        containers.remove(record);
      });

      // act
      // The bundle names the cgroup before it exists: recovery finds it even without the record.
      Files.createDirectories(bundle.dir());
      Files.writeString(bundle.cgroupFile(), cgroup);
      cgroups.create(cgroup, limits);
      times.mark("cgroup");
      OverlayRootfs.mount(image.layers(), layer.resolve("upper"), layer.resolve("work"), bundle.rootfs(),
          sandbox.userns());
      times.mark("rootfs");
      if (!logPath.isEmpty()) {
        Files.createDirectories(Path.of(logPath).getParent());
      }
      NamespacePaths namespaces = await(namespacesLookup);
      times.mark("namespaces");
      List<Path> cgroupDirs = cgroups.directories(cgroup);
      ContainerSpec spec = new ContainerSpec(id, process, ContainerConfigs.imageDefaults(image.config()), mounts,
          devices, security, namespaces, podFiles(sandbox), cgroupDirs, oomCounter(cgroupDirs), List.of(),
          config.getLinux().hasResources() ? config.getLinux().getResources().getOomScoreAdj() : null, null,
          logPath.isEmpty() ? null : Path.of(logPath));
      RuntimeSpec runtimeSpec = RuntimeSpecBuilder.build(spec, bundle.rootfs(), hostCapabilities);
      // Before the shim exists: the container's first process already meets the allowlist.
      cgroups.restrictDevices(cgroup, runtimeSpec.deviceRules());
      times.mark("runtime spec");
      ShimLauncher.writeBundle(bundle, runtimeSpec);
      times.mark("bundle");
      ContainerProcess created = launcher.launch(bundle);
      times.mark("shim");
      rollback.push("shim", () -> created.stop(dev.skiff.runtime.linux.Processes.SIGKILL, java.time.Duration.ZERO));

      await(recordDurable);
      times.mark("record sync");

      // publish
      containers.publish(record, created);
      containers.unpin(id);
      rollback.commit();
    } catch (Exception e) {
      if (namespacesLookup != null) {
        awaitQuietly(namespacesLookup);
      }
      rollback.undoAll();
      throw e;
    }
    LOG.info("Created container {} ({}) in pod sandbox {} from image {}", record.shortId(), metadata.name(),
        pod.id().substring(0, 12), image.imageId());
    teardown.emit(ContainerEvent.Type.CREATED, record);
    LOG.debug("CreateContainer {} took {}", record.shortId(), times);
    // respond
    return CreateContainerResponse.newBuilder().setContainerId(id).build();
  }

  /** The result of background work, or what it threw, as thrown there. */
  private static <T> T await(CompletableFuture<T> future) throws Exception {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause() instanceof CompletionException inner ? inner.getCause() : e.getCause();
      if (cause instanceof java.io.UncheckedIOException unchecked) {
        throw unchecked.getCause();
      }
      if (cause instanceof Exception exception) {
        throw exception;
      }
      throw e;
    }
  }

  private static void awaitQuietly(CompletableFuture<?> future) {
    try {
      future.join();
    } catch (RuntimeException e) {
      // The caller is undoing a failed create; what matters is that the work has ended.
    }
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static PodFiles podFiles(PodSandbox sandbox) throws IOException {
    String hostname = Files.readString(Path.of(sandbox.hostnameFile())).strip();
    return new PodFiles(hostname, sandbox.hostsFile(), sandbox.hostnameFile(), sandbox.resolvConfFile(),
        sandbox.shmDirectory());
  }

  /** memory.oom_control (v1) or memory.events (v2): where the kernel counts OOM kills. */
  private static Path oomCounter(List<Path> cgroupDirs) {
    for (Path dir : cgroupDirs) {
      if (Files.exists(dir.resolve("memory.oom_control"))) {
        return dir.resolve("memory.oom_control");
      }
    }
    for (Path dir : cgroupDirs) {
      if (Files.exists(dir.resolve("memory.events"))) {
        return dir.resolve("memory.events");
      }
    }
    return null;
  }
}
