package dev.skiff.runtime.pod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * Namespaced sysctls: which namespace each belongs to, and writing them from a thread that
 * is inside the pod's namespaces (/proc/sys resolves net, ipc and uts entries against the
 * namespaces of the thread that opens the file). The list is the one runc and Kubernetes
 * accept as safe to set per pod; everything else is node-wide and refused.
 */
public final class Sysctls {
  public enum Owner { NET, IPC, UTS }

  private static final Set<String> IPC_KEYS = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
      "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");
  private static final Set<String> UTS_KEYS = Set.of("kernel.domainname");

  private Sysctls() {}

  /** Kubelet may write keys with '/' separators; both name the same file. */
  public static String normalize(String key) {
    return key.replace('/', '.');
  }

  public static Owner ownerOf(String rawKey) throws PodSetupException {
    String key = normalize(rawKey);
    if (!key.matches("[a-z0-9_.-]+") || key.contains("..") || key.startsWith(".") || key.endsWith(".")) {
      throw PodSetupException.invalid("sysctl '" + rawKey + "' is not a valid sysctl name");
    }
    if (key.startsWith("net.")) {
      return Owner.NET;
    }
    if (IPC_KEYS.contains(key) || key.startsWith("fs.mqueue.")) {
      return Owner.IPC;
    }
    if (UTS_KEYS.contains(key)) {
      return Owner.UTS;
    }
    throw PodSetupException.invalid("sysctl '" + rawKey + "' is not namespaced; a pod cannot set it");
  }

  /** Refuses sysctls that are not namespaced, or whose namespace the pod shares with the host. */
  public static void check(PodSpec spec) throws PodSetupException {
    for (String key : spec.sysctls().keySet()) {
      Owner owner = ownerOf(key);
      boolean own = switch (owner) {
        case NET -> spec.privateNetwork();
        case IPC -> spec.privateIpc();
        case UTS -> spec.privateUts();
      };
      if (!own) {
        throw PodSetupException.invalid("sysctl '" + key + "' belongs to the " + owner.name().toLowerCase()
            + " namespace, which this pod shares with the host");
      }
    }
  }

  /** Writes each value; call only on the namespace thread while it is inside the pod's namespaces. */
  static void apply(Path procSys, Map<String, String> sysctls) throws PodSetupException {
    for (Map.Entry<String, String> entry : sysctls.entrySet()) {
      Path file = procSys.resolve(normalize(entry.getKey()).replace('.', '/'));
      try {
        Files.write(file, entry.getValue().getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
      } catch (java.nio.file.NoSuchFileException e) {
        throw PodSetupException.invalid("sysctl '" + entry.getKey() + "' does not exist on this kernel");
      } catch (IOException e) {
        throw PodSetupException.invalid("sysctl '" + entry.getKey() + "' = '" + entry.getValue()
            + "' was refused by the kernel: " + e.getMessage());
      }
    }
  }
}
