package dev.skiff.server.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.stream.TerminalSize;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResizeDecoderTest {
  private final List<TerminalSize> sizes = new ArrayList<>();
  private final ResizeDecoder decoder = new ResizeDecoder(sizes::add);

  @Test
  void objectsSplitAnywhereAndCaseInsensitiveNames() {
    assertTrue(feed("{\"Width\":80,"));
    assertTrue(feed("\"Height\":24}\n{\"width\":1"));
    assertTrue(feed("00, \"HEIGHT\": 40, \"extra\": \"}{\"}\n"));
    assertEquals(List.of(new TerminalSize(80, 24), new TerminalSize(100, 40)), sizes);
  }

  @Test
  void zeroAndOutOfRangeSidesAreDropped() {
    assertTrue(feed("{\"Width\":0,\"Height\":24}{\"Width\":70000,\"Height\":24}{\"Width\":-1,\"Height\":2}"));
    assertTrue(sizes.isEmpty());
  }

  @Test
  void garbageEndsTheStream() {
    assertFalse(feed("resize 80 24\n"));
    assertFalse(feed("{\"Width\":80,\"Height\":24}"));
    assertTrue(sizes.isEmpty());
  }

  @Test
  void hugeObjectEndsTheStream() {
    assertFalse(feed("{\"pad\":\"" + "x".repeat(10_000) + "\"}"));
    assertTrue(sizes.isEmpty());
  }

  private boolean feed(String text) {
    return decoder.feed(text.getBytes(StandardCharsets.UTF_8));
  }
}
