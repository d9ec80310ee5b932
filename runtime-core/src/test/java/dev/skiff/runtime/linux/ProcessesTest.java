package dev.skiff.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Process identity and liveness read from the real /proc. */
class ProcessesTest {
  @Test
  void aZombieIsAliveByIdentityButNoLongerRunning() throws Exception {
    // sh starts a child that exits at once, then becomes sleep, which never reaps it: a zombie.
    Process parent = new ProcessBuilder("sh", "-c", "true & echo $!; exec sleep 5").start();
    try {
      String line = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      int zombie = Integer.parseInt(line.strip());
      long start = Processes.startTime(zombie);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (Processes.isRunning(zombie, start) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertFalse(Processes.isRunning(zombie, start), "a zombie counts as running");
      assertTrue(Processes.isAlive(zombie, start), "the zombie's identity is still there");
      int sleeper = (int) parent.pid();
      assertTrue(Processes.isRunning(sleeper, Processes.startTime(sleeper)), "a sleeping process is running");
      assertFalse(Processes.isRunning(sleeper, Processes.startTime(sleeper) + 1), "another start time is another process");
    } finally {
      parent.destroyForcibly().waitFor();
    }
  }
}
