package dev.skiff.server.rpc.container;

import dev.skiff.runtime.container.ContainerProcess;
import dev.skiff.runtime.container.NamespacePaths;
import dev.skiff.runtime.pod.NamespaceMode;
import dev.skiff.runtime.pod.PodSandbox;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import java.io.IOException;
import java.util.Optional;

/**
 * The namespaces a new container joins. net/ipc/uts are the pod's pinned ones (null = the
 * host's). A PID namespace cannot be pinned without a process, so pid = POD means: join the
 * namespace of a live POD-mode container of the pod, or create it when there is none (the
 * pod's first container). pid = TARGET joins the target container's namespace.
 */
final class PidNamespaces {
  private PidNamespaces() {}

  static NamespacePaths resolve(PodSandbox pod, String podId, NamespaceMode pidMode, String targetId,
      ContainerStore store) throws IOException {
    NamespacePaths.PidMode mode;
    String path = null;
    switch (pidMode) {
      case NODE -> mode = NamespacePaths.PidMode.NODE;
      case CONTAINER -> mode = NamespacePaths.PidMode.CONTAINER;
      case POD -> {
        Optional<Integer> member = Optional.empty();
        for (ContainerRecord other : store.ofPod(podId)) {
          if (other.pidMode() == NamespaceMode.POD) {
            member = livePid(store, other.id());
            if (member.isPresent()) {
              break;
            }
          }
        }
        mode = member.isPresent() ? NamespacePaths.PidMode.JOIN : NamespacePaths.PidMode.CONTAINER;
        path = member.map(pid -> "/proc/" + pid + "/ns/pid").orElse(null);
      }
      case TARGET -> {
        CriError.require(!targetId.isEmpty(), "namespace_options.target_id (pid is TARGET)");
        ContainerRecord target = store.find(targetId)
            .orElseThrow(() -> CriError.notFound("target container " + targetId + " not found"));
        int pid = livePid(store, target.id()).orElseThrow(() -> CriError.precondition(
            "target container " + targetId + " is not running, so its PID namespace cannot be joined"));
        mode = NamespacePaths.PidMode.JOIN;
        path = "/proc/" + pid + "/ns/pid";
      }
      default -> throw CriError.invalid("namespace_options.pid " + pidMode + " is unknown");
    }
    return new NamespacePaths(pod.netns(), pod.ipcns(), pod.utsns(), mode, path);
  }

  private static Optional<Integer> livePid(ContainerStore store, String id) throws IOException {
    Optional<ContainerProcess> process = store.process(id);
    if (process.isEmpty()) {
      return Optional.empty();
    }
    ContainerProcess.Phase phase = process.get().phase();
    boolean live = phase == ContainerProcess.Phase.CREATED || phase == ContainerProcess.Phase.RUNNING;
    return live ? Optional.of(process.get().pid()) : Optional.empty();
  }
}
