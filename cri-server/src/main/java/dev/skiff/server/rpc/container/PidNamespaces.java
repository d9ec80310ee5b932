package dev.skiff.server.rpc.container;

import dev.skiff.runtime.cgroup.CgroupDriver;
import dev.skiff.runtime.container.ContainerException;
import dev.skiff.runtime.container.ContainerProcess;
import dev.skiff.runtime.container.NamespacePaths;
import dev.skiff.runtime.container.PodPidInit;
import dev.skiff.runtime.pod.NamespaceMode;
import dev.skiff.runtime.pod.PodSandbox;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.state.ContainerRecord;
import dev.skiff.server.state.ContainerStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The namespaces a new container joins. net/ipc/uts are the pod's pinned ones (null = the
 * host's). A PID namespace cannot be pinned without a process, so pid = POD joins the
 * namespace of the pod's init ({@link PodPidInit}, started with the first such container).
 * pid = TARGET joins the target container's namespace.
 */
final class PidNamespaces {
  private PidNamespaces() {}

  static NamespacePaths resolve(PodSandbox pod, String podId, NamespaceMode pidMode, String targetId,
      ContainerStore store, CgroupDriver cgroups) throws IOException, ContainerException {
    NamespacePaths.PidMode mode;
    String path = null;
    switch (pidMode) {
      case NODE -> mode = NamespacePaths.PidMode.NODE;
      case CONTAINER -> mode = NamespacePaths.PidMode.CONTAINER;
      case POD -> {
        // One init per pod holds the shared namespace, so no container is its PID 1.
        synchronized (PidNamespaces.class) {
          path = PodPidInit.ensure(Path.of(pod.directory()), cgroups, pod.cgroup());
        }
        mode = NamespacePaths.PidMode.JOIN;
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
    return new NamespacePaths(pod.netns(), pod.ipcns(), pod.utsns(), mode, path, pod.userns());
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
