package dev.skiff.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.skiff.runtime.linux.Mounts;
import dev.skiff.runtime.userns.IdMapping;
import dev.skiff.runtime.userns.PodUserNamespace;
import dev.skiff.runtime.userns.UserNamespaceHolder;
import dev.skiff.runtime.userns.UserNamespaceMappings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real kernel, root only: an overlay rootfs whose layers are idmapped through a pod's user
 * namespace (0 -> 400000 uids, 0 -> 500000 gids), pinned under a temp dir and unmounted after.
 */
class IdmappedOverlayRootfsTest {
  private static final UserNamespaceMappings MAPPINGS =
      new UserNamespaceMappings(new IdMapping(0, 400000, 65536), new IdMapping(0, 500000, 65536));

  @TempDir
  Path tmp;

  @AfterEach
  void cleanUp() throws Exception {
    OverlayRootfs.unmount(tmp.resolve("rootfs"));
    Mounts.unmount(tmp.resolve("user").toString(), Mounts.MNT_DETACH);
  }

  private static int uid(Path path) throws Exception {
    return (int) Files.getAttribute(path, "unix:uid");
  }

  private static int gid(Path path) throws Exception {
    return (int) Files.getAttribute(path, "unix:gid");
  }

  @Test
  void layersAppearOwnedByTheMappedIdsAndStayUntouchedOnDisk() throws Exception {
    Path top = Files.createDirectories(tmp.resolve("top"));
    Path bottom = Files.createDirectories(tmp.resolve("bottom"));
    Files.writeString(top.resolve("top-file"), "top\n");
    Files.writeString(bottom.resolve("bottom-file"), "bottom\n");
    Path nobodyFile = Files.writeString(bottom.resolve("user-1000"), "1000\n");
    Files.setAttribute(nobodyFile, "unix:uid", 1000);
    Path pinned = Files.createFile(tmp.resolve("user"));
    try (UserNamespaceHolder holder = UserNamespaceHolder.start(ShimBinary.locate(), MAPPINGS, List.of())) {
      Mounts.bind(holder.namespacePath("user"), pinned.toString());
    }
    Path rootfs = tmp.resolve("rootfs");
    OverlayRootfs.mount(List.of(top, bottom), tmp.resolve("upper"), tmp.resolve("work"), rootfs,
        new PodUserNamespace(pinned.toString(), MAPPINGS));

    assertEquals(400000, uid(rootfs.resolve("top-file")));
    assertEquals(500000, gid(rootfs.resolve("top-file")));
    assertEquals(400000, uid(rootfs.resolve("bottom-file")));
    assertEquals(401000, uid(rootfs.resolve("user-1000")));
    // "/" of the container is the upper directory, given to the mapped root.
    assertEquals(400000, uid(rootfs));
    assertEquals(500000, gid(rootfs));
    // The shared layers themselves are not chowned.
    assertEquals(0, uid(top.resolve("top-file")));
    assertEquals(1000, uid(nobodyFile));
    // A copy-up keeps the owner seen through the idmapped layer.
    Files.writeString(rootfs.resolve("top-file"), "changed\n");
    assertEquals(400000, uid(tmp.resolve("upper").resolve("top-file")));
    assertEquals("top\n", Files.readString(top.resolve("top-file")));
  }

  @Test
  void aMissingUserNamespaceFailsAndMountsNothing() throws Exception {
    Path layer = Files.createDirectories(tmp.resolve("layer"));
    Path rootfs = tmp.resolve("rootfs");
    ContainerException e = org.junit.jupiter.api.Assertions.assertThrows(ContainerException.class,
        () -> OverlayRootfs.mount(List.of(layer), tmp.resolve("upper"), tmp.resolve("work"), rootfs,
            new PodUserNamespace(tmp.resolve("no-such-userns").toString(), MAPPINGS)));
    assertEquals(ContainerException.Kind.INTERNAL, e.kind());
    assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(rootfs.toString()));
  }
}
