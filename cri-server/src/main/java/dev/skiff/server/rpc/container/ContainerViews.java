package dev.skiff.server.rpc.container;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.skiff.cri.v1.Container;
import dev.skiff.cri.v1.ContainerConfig;
import dev.skiff.cri.v1.ContainerResources;
import dev.skiff.cri.v1.ContainerStatus;
import dev.skiff.cri.v1.ImageSpec;
import dev.skiff.cri.v1.LinuxContainerResources;
import dev.skiff.server.state.ContainerRecord;
import java.io.IOException;

/** Container records as the CRI's Container and ContainerStatus messages. */
final class ContainerViews {
  private ContainerViews() {}

  static Container container(ContainerRecord record, ContainerObservation observed) {
    return Container.newBuilder()
        .setId(record.id())
        .setPodSandboxId(record.podId())
        .setMetadata(metadata(record))
        .setImage(ImageSpec.newBuilder().setImage(record.image()))
        .setImageRef(record.imageId())
        .setImageId(record.imageId())
        .setState(observed.state())
        .setCreatedAt(record.createdAtNanos())
        .putAllLabels(record.labels())
        .putAllAnnotations(record.annotations())
        .build();
  }

  static ContainerStatus status(ContainerRecord record, ContainerObservation observed) throws IOException {
    ContainerConfig config = config(record);
    LinuxContainerResources.Builder resources = LinuxContainerResources.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(record.resourcesJson(), resources);
    ContainerStatus.Builder status = ContainerStatus.newBuilder();
    ContainerUsers.of(record.bundleDir(), observed).ifPresent(status::setUser);
    return status
        .setId(record.id())
        .setMetadata(metadata(record))
        .setState(observed.state())
        .setCreatedAt(record.createdAtNanos())
        .setStartedAt(observed.startedAtNanos())
        .setFinishedAt(observed.finishedAtNanos())
        .setExitCode(observed.exitCode())
        .setImage(ImageSpec.newBuilder().setImage(record.image()))
        .setImageRef(record.imageId())
        .setImageId(record.imageId())
        .setReason(observed.reason())
        .setMessage(observed.message())
        .putAllLabels(record.labels())
        .putAllAnnotations(record.annotations())
        .addAllMounts(config.getMountsList())
        .setLogPath(record.logPath())
        .setResources(ContainerResources.newBuilder().setLinux(resources))
        .build();
  }

  static ContainerConfig config(ContainerRecord record) throws InvalidProtocolBufferException {
    ContainerConfig.Builder config = ContainerConfig.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(record.configJson(), config);
    return config.build();
  }

  private static dev.skiff.cri.v1.ContainerMetadata metadata(ContainerRecord record) {
    return dev.skiff.cri.v1.ContainerMetadata.newBuilder()
        .setName(record.metadata().name())
        .setAttempt(record.metadata().attempt())
        .build();
  }
}
