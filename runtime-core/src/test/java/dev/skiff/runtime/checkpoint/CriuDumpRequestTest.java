package dev.skiff.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CriuDumpRequestTest {
  private static final Path CRIU = Path.of("/usr/sbin/criu");

  @Test
  void dumpLeavesTheContainerRunningWithThePodsNetworkNamespaceAndBindsExternal() {
    CriuDumpRequest request = new CriuDumpRequest(4242, Path.of("/s/checkpoint"), Path.of("/s"),
        Path.of("/run/skiff/containers/abc/rootfs"), 4026532008L, 0, List.of("/etc/hosts", "/data"), List.of());
    List<String> argv = request.argv(CRIU);
    assertEquals(List.of("/usr/sbin/criu", "dump", "--tree", "4242"), argv.subList(0, 4));
    assertPair(argv, "--images-dir", "/s/checkpoint");
    assertPair(argv, "--work-dir", "/s");
    assertPair(argv, "--log-file", "dump.log");
    assertPair(argv, "--root", "/run/skiff/containers/abc/rootfs");
    assertTrue(argv.contains("--leave-running"), argv.toString());
    assertTrue(argv.contains("--manage-cgroups"), argv.toString());
    assertTrue(argv.contains("--tcp-established"), argv.toString());
    assertPair(argv, "--external", "net[4026532008]:extRootNetNS");
    assertTrue(argv.contains("mnt[/etc/hosts]:/etc/hosts"), argv.toString());
    assertTrue(argv.contains("mnt[/data]:/data"), argv.toString());
    assertFalse(argv.stream().anyMatch(a -> a.startsWith("pid[")), "own PID namespace is dumped: " + argv);
    assertFalse(argv.stream().anyMatch(a -> a.startsWith("tty[")), "no terminal: " + argv);
  }

  @Test
  void terminalsAreExternal() {
    CriuDumpRequest request = new CriuDumpRequest(7, Path.of("/s/checkpoint"), Path.of("/s"), Path.of("/r"),
        1L, 0, List.of(), List.of("tty[8800:d]"));
    List<String> argv = request.argv(CRIU);
    assertEquals("--external", argv.get(argv.indexOf("tty[8800:d]") - 1), argv.toString());
  }

  @Test
  void sharedPidNamespaceIsExternal() {
    CriuDumpRequest request = new CriuDumpRequest(7, Path.of("/s/checkpoint"), Path.of("/s"), Path.of("/r"),
        1L, 4026531836L, List.of(), List.of());
    List<String> argv = request.argv(CRIU);
    assertEquals(1, Collections.frequency(argv, "pid[4026531836]:extRootPidNS"), argv.toString());
    assertEquals("--external", argv.get(argv.indexOf("pid[4026531836]:extRootPidNS") - 1));
  }

  private static void assertPair(List<String> argv, String option, String value) {
    int i = argv.indexOf(option);
    assertTrue(i >= 0 && i + 1 < argv.size(), option + " missing: " + argv);
    assertEquals(value, argv.get(i + 1), option + " in " + argv);
  }
}
