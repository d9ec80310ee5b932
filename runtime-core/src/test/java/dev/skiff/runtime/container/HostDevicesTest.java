package dev.skiff.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A temp dir laid out like /dev (nodes made with mknod, as root; none is ever opened). */
class HostDevicesTest {
  @Test
  void takesCharAndBlockNodesButNotLinksPtsConsoleOrPtmx(@TempDir Path dev) throws Exception {
    Files.createDirectories(dev.resolve("pts"));
    Files.createDirectories(dev.resolve("net"));
    Files.createDirectories(dev.resolve("shm"));
    mknod(dev.resolve("null"), "c", 1, 3);
    mknod(dev.resolve("sda"), "b", 8, 0);
    mknod(dev.resolve("net/tun"), "c", 10, 200);
    mknod(dev.resolve("pts/0"), "c", 136, 0);
    mknod(dev.resolve("console"), "c", 5, 1);
    mknod(dev.resolve("ptmx"), "c", 5, 2);
    mknod(dev.resolve("shm/odd"), "c", 1, 5);
    Files.createSymbolicLink(dev.resolve("stdin"), Path.of("/proc/self/fd/0"));
    Files.createSymbolicLink(dev.resolve("zero-link"), dev.resolve("null"));
    Files.writeString(dev.resolve("regular"), "x");
    List<DeviceNode> nodes = HostDevices.under(dev).stream().sorted(Comparator.comparing(DeviceNode::path)).toList();
    assertEquals(List.of("/dev/net/tun", "/dev/null", "/dev/sda"), nodes.stream().map(DeviceNode::path).toList());
    DeviceNode sda = nodes.get(2);
    assertEquals('b', sda.type());
    assertEquals(8, sda.major());
    assertEquals(0, sda.minor());
    assertEquals(new DeviceNode("/dev/net/tun", 'c', 10, 200, 0600, 0, 0), nodes.get(0));
  }

  private static void mknod(Path path, String type, int major, int minor) throws Exception {
    Process p = new ProcessBuilder("mknod", "-m", "600", path.toString(), type, Integer.toString(major),
        Integer.toString(minor)).inheritIO().start();
    assertEquals(0, p.waitFor(), "mknod " + path + " (these tests run as root)");
  }
}
