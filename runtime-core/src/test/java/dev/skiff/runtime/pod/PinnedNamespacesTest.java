package dev.skiff.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.linux.NamespaceThread;
import dev.skiff.runtime.linux.Namespaces;
import java.nio.file.Files;
import java.nio.file.Path;
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
    for (String kind : new String[] {"net", "ipc", "uts"}) {
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
    Map<String, Path> pinned = pinner.create(tmp.resolve("ns"), true, true, true, rollback,
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
    assertThrows(IllegalStateException.class, () -> pinner.create(tmp.resolve("ns"), true, false, true, rollback,
        () -> {
          throw new IllegalStateException("boom");
        }));
    rollback.undoAll();
    assertFalse(Files.exists(tmp.resolve("ns/net")));
    assertFalse(Files.exists(tmp.resolve("ns/uts")));
    assertEquals(inode("/proc/self/ns/net"), thread.run(() -> inode(NamespaceThread.threadNamespacePath("net"))));
  }
}
