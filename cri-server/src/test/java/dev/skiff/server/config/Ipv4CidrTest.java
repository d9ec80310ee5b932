package dev.skiff.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4CidrTest {
  @Test
  void normalisesToTheNetworkAddress() {
    assertEquals("10.244.1.0/24", Ipv4Cidr.parse("10.244.1.77/24").toString());
    assertEquals("10.88.0.0/16", Ipv4Cidr.parse("10.88.0.0/16").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10.88.0.0", "10.88.0/16", "10.88.0.256/16", "10.88.0.0/31", "10.88.0.0/x",
      "a.b.c.d/8", "10.88.0.0/16/1", "10..0.0/16"})
  void rejectsMalformed(String text) {
    assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse(text));
  }
}
