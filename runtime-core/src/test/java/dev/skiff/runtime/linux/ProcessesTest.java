package dev.skiff.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessesTest {
  @Test
  void aRunningProcessIsAliveOnlyWithItsOwnStartTime() throws Exception {
    int self = (int) ProcessHandle.current().pid();
    long start = Processes.startTime(self);
    assertTrue(start > 0);
    assertTrue(Processes.isAlive(self, start));
    assertFalse(Processes.isAlive(self, start + 1), "a reused pid has another start time");
  }

  @Test
  void aZombieIsNotAlive() throws Exception {
    // The child exits; its parent sleeps and never waits for it: a zombie until the parent ends.
    Process parent = new ProcessBuilder("python3", "-c", String.join("\n",
        "import os, signal, time",
        "signal.signal(signal.SIGCHLD, signal.SIG_DFL)",
        "pid = os.fork()",
        "if pid == 0: os._exit(0)",
        "print(pid, flush=True)",
        "time.sleep(30)")).start();
    try {
      String line = new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
      int zombie = Integer.parseInt(line.strip());
      Path stat = Path.of("/proc/" + zombie + "/stat");
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!Files.readString(stat).contains(") Z ") && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      long start = Processes.startTime(zombie);
      assertTrue(start > 0, "a zombie still has its start time");
      assertFalse(Processes.isAlive(zombie, start));
    } finally {
      parent.destroyForcibly().waitFor();
    }
  }

  @Test
  void aMissingProcessHasNoStartTime() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    assertEquals(-1, Processes.startTime((int) gone.pid()));
    assertFalse(Processes.isAlive((int) gone.pid(), 1));
  }
}
