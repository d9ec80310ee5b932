package dev.skiff.runtime.container;

import dev.skiff.runtime.linux.FileDescriptors;
import dev.skiff.runtime.linux.IdmappedTrees;
import dev.skiff.runtime.linux.KernelException;
import dev.skiff.runtime.linux.MountApi;
import dev.skiff.runtime.linux.Mounts;
import dev.skiff.runtime.userns.PodUserNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's root filesystem: OverlayFS with the image's snapshot directories as lower
 * layers (top layer first) and a per-container upper and work directory, mounted by skiffd
 * at {@code <bundle>/rootfs} in its own mount namespace (so it survives the shim and is
 * found and unmounted at RemoveContainer or by recovery).
 */
public final class OverlayRootfs {
  /** mount(2) copies at most one page of options; keep a margin for the kernel's own. */
  static final int MAX_OPTIONS_BYTES = 4000;

  private OverlayRootfs() {}

  public static void mount(List<Path> lowersTopFirst, Path upper, Path work, Path target)
      throws ContainerException, IOException {
    mount(lowersTopFirst, upper, work, target, null);
  }

  /**
   * With {@code userns} (a pod's own user namespace) every lower layer is an idmapped clone
   * through it, so the image's files appear owned by the ids they map to and the container's
   * root owns its root filesystem. The upper layer stays plain: overlayfs creates its work
   * directories with the mounter's ids, which an idmapped upper would not map (EOVERFLOW);
   * files the container writes are stored with their host ids, and the upper directory
   * itself, the container's "/", is given to the mapped root.
   */
  public static void mount(List<Path> lowersTopFirst, Path upper, Path work, Path target, PodUserNamespace userns)
      throws ContainerException, IOException {
    if (lowersTopFirst.isEmpty()) {
      throw ContainerException.invalid("an overlay rootfs needs at least one lower layer");
    }
    for (Path p : lowersTopFirst) {
      checkPath(p);
    }
    checkPath(upper);
    checkPath(work);
    Files.createDirectories(upper);
    Files.createDirectories(work);
    Files.createDirectories(target);
    if (userns == null) {
      mountLayers(lowersTopFirst.stream().map(Path::toString).toList(), upper, work, target);
      return;
    }
    List<Integer> trees = new ArrayList<>();
    int usernsFd = -1;
    try {
      usernsFd = FileDescriptors.openReadOnly(userns.path());
      Files.setAttribute(upper, "unix:gid", (int) userns.mappings().gids().hostIdOfRoot());
      Files.setAttribute(upper, "unix:uid", (int) userns.mappings().uids().hostIdOfRoot());
      for (Path lower : lowersTopFirst) {
        trees.add(IdmappedTrees.open(lower.toString(), usernsFd));
      }
      mountLayers(trees.stream().map(IdmappedTrees::path).toList(), upper, work, target);
    } catch (KernelException e) {
      throw new ContainerException(ContainerException.Kind.INTERNAL,
          "cannot idmap the rootfs layers for " + target + " through " + userns.path() + ": " + e.getMessage(), e);
    } finally {
      trees.forEach(FileDescriptors::closeQuietly);
      FileDescriptors.closeQuietly(usernsFd);
    }
  }

  private static void mountLayers(List<String> lowers, Path upper, Path work, Path target)
      throws ContainerException {
    String options = options(lowers, upper.toString(), work.toString());
    try {
      if (options.getBytes(StandardCharsets.UTF_8).length <= MAX_OPTIONS_BYTES) {
        Mounts.mount("overlay", target.toString(), "overlay", 0, options);
      } else {
        MountApi.overlay(lowers, upper.toString(), work.toString(), target.toString());
      }
    } catch (KernelException e) {
      throw new ContainerException(ContainerException.Kind.INTERNAL,
          "cannot mount the rootfs at " + target + " (" + lowers.size() + " layers): " + e.getMessage(), e);
    }
  }

  /** Unmounts the rootfs; nothing mounted there is not an error. */
  public static void unmount(Path target) throws IOException {
    Mounts.unmount(target.toString(), Mounts.MNT_DETACH);
  }

  static String options(List<String> lowers, String upper, String work) {
    return "lowerdir=" + String.join(":", lowers) + ",upperdir=" + upper + ",workdir=" + work;
  }

  /** ':' separates layers and ',' options in the mount string: such paths cannot be named there. */
  private static void checkPath(Path p) throws ContainerException {
    String s = p.toString();
    if (!p.isAbsolute() || s.contains(":") || s.contains(",") || s.contains("\n")) {
      throw ContainerException.invalid("overlay layer path '" + s + "' must be absolute without ':' or ','");
    }
  }
}
