package dev.skiff.runtime.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CpuRatesTest {
  @Test
  void rateIsCpuNanosPerWallSecondFromThePreviousSampleOfTheSameKey() {
    CpuRates rates = new CpuRates();

    assertTrue(rates.update("a", new CpuSample(1_000_000_000L, 5_000_000_000L)).isEmpty(), "first sample has no rate");
    rates.update("b", new CpuSample(1_000_000_000L, 0));
    // Half a core for two seconds.
    assertEquals(500_000_000L, rates.update("a", new CpuSample(3_000_000_000L, 6_000_000_000L)).getAsLong());
    // Two full cores for one second.
    assertEquals(2_000_000_000L, rates.update("a", new CpuSample(4_000_000_000L, 8_000_000_000L)).getAsLong());
  }

  @Test
  void aCounterThatWentBackwardsStartsOverAndForgetDropsTheKey() {
    CpuRates rates = new CpuRates();
    rates.update("a", new CpuSample(1, 1000));

    assertTrue(rates.update("a", new CpuSample(2, 10)).isEmpty());
    assertEquals(1_000_000_000L, rates.update("a", new CpuSample(3, 11)).getAsLong());
    rates.forget("a");
    assertEquals(0, rates.size());
  }

  @Test
  void twoReadsInTheSameInstantKeepTheOlderBase() {
    CpuRates rates = new CpuRates();
    rates.update("a", new CpuSample(1_000, 0));
    rates.update("a", new CpuSample(2_000, 500));

    assertTrue(rates.update("a", new CpuSample(2_000, 600)).isEmpty());
    assertEquals(300_000_000L, rates.update("a", new CpuSample(4_000, 1_100)).getAsLong(),
        "the base stayed at t=2000, usage 500");
  }
}
