package dev.skiff.server.rpc.container;

import com.google.protobuf.util.JsonFormat;
import dev.skiff.cri.v1.CheckpointContainerRequest;
import dev.skiff.cri.v1.CheckpointContainerResponse;
import dev.skiff.runtime.checkpoint.CheckpointedContainer;
import dev.skiff.runtime.checkpoint.ContainerCheckpointer;
import dev.skiff.runtime.checkpoint.CriuSupport;
import dev.skiff.runtime.checkpoint.Deadline;
import dev.skiff.runtime.container.ContainerProcess;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import dev.skiff.server.state.PodStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * CheckpointContainer: kubelet's forensic checkpoint (KEP-2008, {@code crictl checkpoint
 * --export=FILE ID}). CRIU dumps the running container with --leave-running, and one tar laid
 * out as CRI-O and containerd write it appears at {@code location} (runtime-core's
 * ContainerCheckpointer). Only a running container can be checkpointed; a node without a
 * usable CRIU answers FAILED_PRECONDITION saying why. The timeout (seconds; 0 = the configured
 * default) and the call's own deadline, whichever ends first, bound the whole operation:
 * past it the call fails DEADLINE_EXCEEDED and nothing is left at location.
 */
public final class CheckpointContainerRpc implements Rpc<CheckpointContainerRequest, CheckpointContainerResponse> {
  private static final String RUNTIME_NAME = "skiff";

  private final ContainerStore containers;
  private final PodStore pods;
  private final ContainerCheckpointer checkpointer;
  private final Duration defaultTimeout;
  private final Supplier<Optional<Duration>> callTimeLeft;

  public CheckpointContainerRpc(ContainerStore containers, PodStore pods, ContainerCheckpointer checkpointer,
      Duration defaultTimeout, Supplier<Optional<Duration>> callTimeLeft) {
    this.containers = containers;
    this.pods = pods;
    this.checkpointer = checkpointer;
    this.defaultTimeout = defaultTimeout;
    this.callTimeLeft = callTimeLeft;
  }

  @Override
  public CheckpointContainerResponse call(CheckpointContainerRequest request) throws Exception {
    CriError.require(!request.getContainerId().isEmpty(), "container_id");
    CriError.require(!request.getLocation().isEmpty(), "location");
    if (!request.getLocation().startsWith("/")) {
      throw CriError.invalid("location " + request.getLocation() + " must be an absolute path");
    }
    if (request.getTimeout() < 0) {
      throw CriError.invalid("timeout " + request.getTimeout() + " must not be negative");
    }
    Deadline deadline = Deadline.after(timeout(request.getTimeout()));
    Path location = location(request.getLocation());

    ContainerRecord record = containers.find(request.getContainerId())
        .orElseThrow(() -> CriError.notFound("container " + request.getContainerId() + " not found"));
    synchronized (containers.lockFor(record.id())) {
      ContainerProcess process = running(record);
      ContainerCheckpointer.checkLocation(location);
      CriuSupport criu = checkpointer.support();
      if (!criu.isUsable()) {
        throw CriError.precondition("cannot checkpoint container " + record.id() + ": " + criu.problem());
      }
      checkpointer.checkpoint(describe(record, process), location, deadline);
    }
    return CheckpointContainerResponse.getDefaultInstance();
  }

  private static Path location(String location) {
    try {
      return Path.of(location).normalize();
    } catch (InvalidPathException e) {
      throw CriError.invalid("location " + location.replace("\0", "\\0") + " is not a valid path: " + e.getReason());
    }
  }

  private Duration timeout(long requestSeconds) {
    Duration timeout = requestSeconds > 0 ? Duration.ofSeconds(requestSeconds) : defaultTimeout;
    Optional<Duration> left = callTimeLeft.get();
    return left.isPresent() && left.get().compareTo(timeout) < 0 ? left.get() : timeout;
  }

  private ContainerProcess running(ContainerRecord record) throws IOException {
    Optional<ContainerProcess> process = containers.process(record.id());
    ContainerProcess.Phase phase = process.isPresent() ? process.get().phase() : ContainerProcess.Phase.UNKNOWN;
    if (phase != ContainerProcess.Phase.RUNNING) {
      throw CriError.precondition("container " + record.id() + " is not running (it is "
          + phase.name().toLowerCase() + "); only running containers can be checkpointed");
    }
    return process.get();
  }

  private CheckpointedContainer describe(ContainerRecord record, ContainerProcess process) throws IOException {
    ContainerObservation observed = ContainerObservation.of(Optional.of(process));
    byte[] status = JsonFormat.printer().preservingProtoFieldNames()
        .print(ContainerViews.status(record, observed)).getBytes(StandardCharsets.UTF_8);
    String runtime = pods.get(record.podId()).map(pod -> pod.runtimeHandler())
        .filter(handler -> handler != null && !handler.isEmpty()).orElse(RUNTIME_NAME);
    long created = record.createdAtNanos();
    return new CheckpointedContainer(record.id(), record.metadata().name(), process.pid(),
        Path.of(record.bundleDir()), Path.of(record.layerDir(), "upper"),
        record.logPath().isEmpty() ? null : Path.of(record.logPath()),
        record.image(), record.imageId(), runtime,
        Instant.ofEpochSecond(created / 1_000_000_000L, created % 1_000_000_000L), status);
  }
}
