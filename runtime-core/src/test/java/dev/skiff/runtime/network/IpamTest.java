package dev.skiff.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpamTest {
  @TempDir
  Path tmp;

  private final Subnet small = Subnet.parse("10.88.0.0/29");   // 8 addresses: 5 for pods

  @Test
  void handsOutEachAddressOnceAndSkipsGatewayNetworkAndBroadcast() throws Exception {
    Ipam ipam = new Ipam(tmp);
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      int address = ipam.allocate(small, "pod" + i);
      assertTrue(seen.add(address));
      assertTrue(address >= Subnet.parseAddress("10.88.0.2") && address <= Subnet.parseAddress("10.88.0.6"),
          Subnet.format(address));
    }
    NetworkException error = assertThrows(NetworkException.class, () -> ipam.allocate(small, "pod5"));
    assertEquals(NetworkException.Kind.EXHAUSTED, error.kind());
    assertTrue(error.getMessage().contains("10.88.0.0/29"), error.getMessage());
  }

  @Test
  void reservationsSurviveANewInstanceAndAreNotReusedAtOnce() throws Exception {
    Ipam first = new Ipam(tmp);
    int a = first.allocate(small, "a");
    Ipam restarted = new Ipam(tmp);
    assertEquals(Map.of(Subnet.format(a), "a"), restarted.allocations());
    restarted.release(Subnet.format(a), "a");
    assertNotEquals(a, restarted.allocate(small, "b"));
  }

  @Test
  void releaseOnlyFreesTheOwnersAddressAndIsIdempotent() throws Exception {
    Ipam ipam = new Ipam(tmp);
    String a = Subnet.format(ipam.allocate(small, "a"));
    ipam.release(a, "someone-else");
    assertEquals("a", ipam.allocations().get(a));
    ipam.release(a, "a");
    ipam.release(a, "a");
    assertTrue(ipam.allocations().isEmpty());
  }

  @Test
  void reconcileReleasesTornAndOrphanedReservations() throws Exception {
    Ipam ipam = new Ipam(tmp);
    String live = Subnet.format(ipam.allocate(small, "live"));
    String orphan = Subnet.format(ipam.allocate(small, "gone"));
    Files.createFile(tmp.resolve("10.88.0.6"));   // a crash between create and write
    assertEquals(2, ipam.reconcile(Map.of(live, "live")));
    assertEquals(Map.of(live, "live"), ipam.allocations());
    assertTrue(!Files.exists(tmp.resolve(orphan)));
  }

  @Test
  void subnetArithmetic() {
    Subnet subnet = Subnet.parse("10.88.7.9/16");
    assertEquals("10.88.0.0/16", subnet.toString());
    assertEquals("10.88.0.1", Subnet.format(subnet.gateway()));
    assertEquals("10.88.255.254", Subnet.format(subnet.lastPodAddress()));
    assertEquals("10.88.0.2/16", subnet.withPrefix(subnet.firstPodAddress()));
    assertThrows(IllegalArgumentException.class, () -> Subnet.parse("10.88.0.0/31"));
    assertThrows(IllegalArgumentException.class, () -> Subnet.parseAddress("10.88.0.256"));
  }
}
