package dev.skiff.server.state;

import dev.skiff.runtime.pod.NamespaceMode;
import dev.skiff.runtime.pod.PodSandbox;
import java.util.Map;

/**
 * Everything skiff knows about one pod sandbox. Metadata, labels and annotations never change;
 * state, sandbox and the config's resources change only through {@link PodStore#update}.
 * {@code configJson} is the PodSandboxConfig as the CRI sent it, for verbose status.
 */
public record PodRecord(
    String id,
    PodMetadata metadata,
    Map<String, String> labels,
    Map<String, String> annotations,
    long createdAtNanos,
    PodState state,
    String runtimeHandler,
    NamespaceMode networkMode,
    NamespaceMode pidMode,
    NamespaceMode ipcMode,
    String targetId,
    String logDirectory,
    PodSandbox sandbox,
    String configJson) {

  public PodRecord {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public PodRecord withState(PodState newState, PodSandbox newSandbox) {
    return new PodRecord(id, metadata, labels, annotations, createdAtNanos, newState, runtimeHandler, networkMode,
        pidMode, ipcMode, targetId, logDirectory, newSandbox, configJson);
  }

  /** After UpdatePodSandboxResources: the same pod with the config kubelet now holds for it. */
  public PodRecord withConfigJson(String newConfigJson) {
    return new PodRecord(id, metadata, labels, annotations, createdAtNanos, state, runtimeHandler, networkMode,
        pidMode, ipcMode, targetId, logDirectory, sandbox, newConfigJson);
  }
}
