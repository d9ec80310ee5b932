package dev.skiff.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.linux.NamespaceThread;
import dev.skiff.runtime.linux.Namespaces;
import dev.skiff.runtime.userns.IdMapping;
import dev.skiff.runtime.userns.UserNamespaceMappings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real kernel, root only: new namespaces pinned under a temp dir. Nothing here touches the
 * host's network: the namespaces are new and empty, and every pin is removed afterwards.
 */
class PinnedNamespacesTest {
  @TempDir
  Path tmp;

  private final NamespaceThread thread = new NamespaceThread();
  private final PinnedNamespaces pinner = new PinnedNamespaces(thread);

  @AfterEach
  void cleanUp() throws Exception {
    for (String kind : new String[] {"net", "ipc", "uts", "user"}) {
      PinnedNamespaces.unpin(tmp.resolve("ns").resolve(kind));
    }
    thread.close();
  }

  private static Object inode(String path) throws Exception {
    return Files.getAttribute(Path.of(path), "unix:ino");
  }

  @Test
  void pinsNewNamespacesSetsTheHostnameAndReturnsTheThreadToTheHost() throws Exception {
    String hostNet = "/proc/self/ns/net";
    Rollback rollback = new Rollback("test");
    Map<String, Path> pinned = pinner.create(tmp.resolve("ns"), true, true, true, null, rollback,
        () -> Namespaces.sethostname("pinned-test"));
    assertEquals(3, pinned.size());
    for (Path file : pinned.values()) {
      assertTrue(PinnedNamespaces.isPinned(file), file + " is not pinned");
    }
    assertNotEquals(inode(hostNet), inode(pinned.get("net").toString()));
    // The thread went back: its namespaces are the process's again.
    Object threadNet = thread.run(() -> inode(NamespaceThread.threadNamespacePath("net")));
    assertEquals(inode(hostNet), threadNet);
    assertEquals(inode("/proc/self/ns/uts"), thread.run(() -> inode(NamespaceThread.threadNamespacePath("uts"))));
    // The hostname lives in the pinned UTS namespace only.
    Process hostname = new ProcessBuilder("nsenter", "--uts=" + pinned.get("uts"), "hostname").start();
    assertEquals("pinned-test", new String(hostname.getInputStream().readAllBytes()).trim());
    assertNotEquals("pinned-test", Files.readString(Path.of("/proc/sys/kernel/hostname")).trim());

    for (Path file : pinned.values()) {
      PinnedNamespaces.unpin(file);
      assertFalse(Files.exists(file));
    }
  }

  @Test
  void aFailureInsideUndoesThePins() throws Exception {
    Rollback rollback = new Rollback("test");
    assertThrows(IllegalStateException.class, () -> pinner.create(tmp.resolve("ns"), true, false, true, null, rollback,
        () -> {
          throw new IllegalStateException("boom");
        }));
    rollback.undoAll();
    assertFalse(Files.exists(tmp.resolve("ns/net")));
    assertFalse(Files.exists(tmp.resolve("ns/uts")));
    assertEquals(inode("/proc/self/ns/net"), thread.run(() -> inode(NamespaceThread.threadNamespacePath("net"))));
  }

  @Test
  void aPodUserNamespaceIsMappedAndOwnsThePodsOtherNamespaces() throws Exception {
    Rollback rollback = new Rollback("test");
    var mappings = new UserNamespaceMappings(new IdMapping(0, 400000, 65536), new IdMapping(0, 500000, 65536));
    Map<String, Path> pinned = pinner.create(tmp.resolve("ns"), true, false, true, mappings, rollback,
        () -> Namespaces.sethostname("userns-test"));
    assertEquals(java.util.Set.of("user", "net", "uts"), pinned.keySet());
    for (Path file : pinned.values()) {
      assertTrue(PinnedNamespaces.isPinned(file), file + " is not pinned");
    }
    assertNotEquals(inode("/proc/self/ns/user"), inode(pinned.get("user").toString()));
    // Inside the user namespace (nsenter enters it first) only namespaces it owns can be
    // entered and changed: this fails when the network namespace belongs to the host's.
    Process inside = new ProcessBuilder("nsenter", "--user=" + pinned.get("user"), "--net=" + pinned.get("net"),
        "--uts=" + pinned.get("uts"), "sh", "-c", "ip link set lo mtu 1300 && hostname && cat /proc/self/uid_map"
            + " /proc/self/gid_map").redirectErrorStream(true).start();
    String out = new String(inside.getInputStream().readAllBytes());
    assertEquals(0, inside.waitFor(), out);
    assertEquals(List.of("userns-test", "0 400000 65536", "0 500000 65536"),
        out.lines().map(line -> line.strip().replaceAll("\\s+", " ")).toList());
    assertEquals(inode("/proc/self/ns/net"), thread.run(() -> inode(NamespaceThread.threadNamespacePath("net"))));

    rollback.undoAll();
    for (String kind : pinned.keySet()) {
      assertFalse(Files.exists(tmp.resolve("ns").resolve(kind)), kind + " is left");
    }
  }
}
