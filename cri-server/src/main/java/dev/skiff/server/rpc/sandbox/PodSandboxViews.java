package dev.skiff.server.rpc.sandbox;

import dev.skiff.cri.v1.LinuxPodSandboxStatus;
import dev.skiff.cri.v1.Namespace;
import dev.skiff.cri.v1.NamespaceOption;
import dev.skiff.cri.v1.PodSandbox;
import dev.skiff.cri.v1.PodSandboxMetadata;
import dev.skiff.cri.v1.PodSandboxNetworkStatus;
import dev.skiff.cri.v1.PodSandboxState;
import dev.skiff.cri.v1.PodSandboxStatus;
import dev.skiff.runtime.pod.NamespaceMode;
import dev.skiff.server.state.PodRecord;
import dev.skiff.server.state.PodState;

/** A {@link PodRecord} as the CRI's messages show it. */
final class PodSandboxViews {
  private PodSandboxViews() {}

  static PodSandboxMetadata metadata(PodRecord record) {
    return PodSandboxMetadata.newBuilder()
        .setName(record.metadata().name())
        .setUid(record.metadata().uid())
        .setNamespace(record.metadata().namespace())
        .setAttempt(record.metadata().attempt())
        .build();
  }

  static PodSandboxState state(PodState state) {
    return state == PodState.READY ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY;
  }

  static PodSandbox summary(PodRecord record) {
    return PodSandbox.newBuilder()
        .setId(record.id())
        .setMetadata(metadata(record))
        .setState(state(record.state()))
        .setCreatedAt(record.createdAtNanos())
        .putAllLabels(record.labels())
        .putAllAnnotations(record.annotations())
        .setRuntimeHandler(record.runtimeHandler())
        .build();
  }

  static PodSandboxStatus status(PodRecord record) {
    PodSandboxStatus.Builder status = PodSandboxStatus.newBuilder()
        .setId(record.id())
        .setMetadata(metadata(record))
        .setState(state(record.state()))
        .setCreatedAt(record.createdAtNanos())
        .setLinux(LinuxPodSandboxStatus.newBuilder().setNamespaces(Namespace.newBuilder().setOptions(
            NamespaceOption.newBuilder()
                .setNetwork(mode(record.networkMode()))
                .setPid(mode(record.pidMode()))
                .setIpc(mode(record.ipcMode()))
                .setTargetId(record.targetId() == null ? "" : record.targetId()))))
        .putAllLabels(record.labels())
        .putAllAnnotations(record.annotations())
        .setRuntimeHandler(record.runtimeHandler());
    String address = record.sandbox().address();
    // A stopped pod has no address any more; kubelet expects an empty network then.
    if (address != null && record.state() == PodState.READY) {
      status.setNetwork(PodSandboxNetworkStatus.newBuilder().setIp(address));
    }
    return status.build();
  }

  private static dev.skiff.cri.v1.NamespaceMode mode(NamespaceMode mode) {
    return dev.skiff.cri.v1.NamespaceMode.valueOf(mode.name());
  }
}
