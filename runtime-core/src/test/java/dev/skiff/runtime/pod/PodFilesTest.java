package dev.skiff.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodFilesTest {
  @TempDir
  Path tmp;

  @Test
  void writesHostnameHostsAndResolvConfFromDnsConfig() throws Exception {
    new PodFiles(tmp.resolve("host-resolv")).write(tmp, "web-0", "10.88.0.5",
        new DnsConfig(List.of("10.96.0.10"), List.of("default.svc.cluster.local", "svc.cluster.local"),
            List.of("ndots:5")));
    assertEquals("web-0\n", Files.readString(tmp.resolve("hostname")));
    assertTrue(Files.readString(tmp.resolve("hosts")).contains("10.88.0.5\tweb-0\n"));
    assertTrue(Files.readString(tmp.resolve("hosts")).startsWith("127.0.0.1\tlocalhost\n"));
    assertEquals("search default.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
        Files.readString(tmp.resolve("resolv.conf")));
  }

  @Test
  void copiesTheHostsResolvConfWithoutDnsConfig() throws Exception {
    Path host = tmp.resolve("host-resolv");
    Files.writeString(host, "nameserver 192.0.2.53\n");
    new PodFiles(host).write(tmp, "h", null, null);
    assertEquals("nameserver 192.0.2.53\n", Files.readString(tmp.resolve("resolv.conf")));
  }

  @Test
  void refusesDnsValuesThatWouldAddDirectives() {
    assertThrows(PodSetupException.class,
        () -> PodFiles.check(new DnsConfig(List.of("1.1.1.1\nnameserver 6.6.6.6"), List.of(), List.of())));
    assertThrows(PodSetupException.class,
        () -> PodFiles.check(new DnsConfig(List.of(), List.of("a b"), List.of())));
  }
}
