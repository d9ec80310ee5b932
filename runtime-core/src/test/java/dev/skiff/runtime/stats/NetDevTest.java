package dev.skiff.runtime.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class NetDevTest {
  @Test
  void parsesReceiveAndTransmitColumns() {
    String text = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:     140       2    0    0    0     0          0         0      140       2    0    0    0     0       0          0
          eth0: 1048576     900    3    0    0     0          0         0     2048      20    1    0    0     0       0          0
        """;

    List<InterfaceCounters> interfaces = NetDev.parse(text);

    assertEquals(List.of(new InterfaceCounters("lo", 140, 0, 140, 0),
        new InterfaceCounters("eth0", 1048576, 3, 2048, 1)), interfaces);
  }
}
