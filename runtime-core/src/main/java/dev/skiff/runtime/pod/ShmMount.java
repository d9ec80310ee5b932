package dev.skiff.runtime.pod;

import dev.skiff.runtime.linux.KernelException;
import dev.skiff.runtime.linux.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A pod's /dev/shm: a size-limited tmpfs that every container of the pod bind-mounts. */
public final class ShmMount {
  private ShmMount() {}

  public static void mount(Path dir, long sizeBytes) throws IOException {
    Files.createDirectories(dir);
    Mounts.tmpfs(dir.toString(), Mounts.MS_NOSUID | Mounts.MS_NODEV | Mounts.MS_NOEXEC,
        "mode=1777,size=" + sizeBytes);
  }

  public static void unmount(Path dir) throws KernelException, IOException {
    Mounts.unmount(dir.toString(), Mounts.MNT_DETACH);
    Files.deleteIfExists(dir);
  }
}
