package dev.skiff.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StopSignalTest {
  @Test
  void namesNumbersAndRealtimeSignals() throws Exception {
    assertEquals(15, StopSignal.parse(null));
    assertEquals(15, StopSignal.parse(""));
    assertEquals(15, StopSignal.parse("SIGTERM"));
    assertEquals(3, StopSignal.parse("quit"));
    assertEquals(9, StopSignal.parse("SIGKILL"));
    assertEquals(28, StopSignal.parse("SIGWINCH"));
    assertEquals(10, StopSignal.parse("10"));
    assertEquals(37, StopSignal.parse("SIGRTMIN+3"));
    assertEquals(62, StopSignal.parse("RTMAX-2"));
  }

  @Test
  void unknownOrOutOfRangeNamesAreInvalid() {
    assertEquals(ContainerException.Kind.INVALID,
        assertThrows(ContainerException.class, () -> StopSignal.parse("SIGNOPE")).kind());
    assertThrows(ContainerException.class, () -> StopSignal.parse("65"));
    assertThrows(ContainerException.class, () -> StopSignal.parse("SIGRTMIN+40"));
  }
}
