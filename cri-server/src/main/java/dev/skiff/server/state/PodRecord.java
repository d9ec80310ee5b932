package dev.skiff.server.state;

import dev.skiff.runtime.pod.NamespaceMode;
import dev.skiff.runtime.pod.PodSandbox;
import java.util.Map;

/**
 * Everything skiff knows about one pod sandbox. Metadata, labels, annotations and config
 * never change; state and sandbox change only through {@link PodStore#update}.
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
}
