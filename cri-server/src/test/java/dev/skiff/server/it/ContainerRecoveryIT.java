package dev.skiff.server.it;

import static dev.skiff.server.it.ContainerConfigsJson.awaitState;
import static dev.skiff.server.it.ContainerConfigsJson.busybox;
import static dev.skiff.server.it.ContainerConfigsJson.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * skiffd restarts while containers run: their shims outlive it, the restarted skiffd
 * re-adopts them (still running, exec-able, stoppable, logs continuing), and a container
 * that exited while skiffd was down shows its real exit code.
 */
class ContainerRecoveryIT {
  @Test
  void restartWhileFiveContainersRunKeepsThemManageable() throws Exception {
    try (BusyboxSkiffd env = BusyboxSkiffd.start("recover", "")) {
      SkiffdProcess skiffd = env.skiffd();
      Path podConfig = PodConfigs.write(skiffd, "survivors", "");
      String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
      List<String> tickers = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        tickers.add(ContainerConfigsJson.run(skiffd, pod, podConfig, busybox("ticker" + i, "sh", "-c",
            "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done")));
      }
      String leaver = ContainerConfigsJson.run(skiffd, pod, podConfig, busybox("leaver", "sh", "-c",
          "sleep 2; exit 7"));
      for (String id : tickers) {
        awaitState(skiffd, id, "CONTAINER_RUNNING", 10);
      }
      Path log = skiffd.dir().resolve("logs/survivors/ticker0/0.log");

      skiffd.stop();
      long linesWhileDown = Files.readAllLines(log).size();
      Thread.sleep(3000);
      assertTrue(Files.readAllLines(log).size() > linesWhileDown, "the shim keeps logging while skiffd is down");
      skiffd.startAgain();

      assertTrue(skiffd.logText().contains("Recovered 6 containers (5 running)"), skiffd.logText());
      for (String id : tickers) {
        assertEquals("CONTAINER_RUNNING", ContainerConfigsJson.inspect(skiffd, id).path("status").path("state")
            .asText());
        assertEquals("here", exec(skiffd, id, "echo", "here").strip());
      }
      JsonNode left = awaitState(skiffd, leaver, "CONTAINER_EXITED", 5);
      assertEquals(7, left.path("exitCode").asInt(), left.toString());
      assertEquals("Error", left.path("reason").asText());

      long before = Files.readAllLines(log).size();
      Thread.sleep(1000);
      assertTrue(Files.readAllLines(log).size() > before, "logs continue after the restart");
      assertTrue(skiffd.crictl("logs", "--tail", "1", tickers.get(0)).orThrow("crictl logs").stdout()
          .startsWith("tick "));

      skiffd.crictl("stop", "--timeout", "1", tickers.get(1)).orThrow("crictl stop after restart");
      assertEquals("CONTAINER_EXITED", ContainerConfigsJson.inspect(skiffd, tickers.get(1)).path("status")
          .path("state").asText());
      // A crash (SIGKILL) and another start: still all there.
      skiffd.kill();
      skiffd.startAgain();
      assertEquals(4, skiffd.crictl("ps", "-q", "--state", "running").orThrow("crictl ps").stdout().strip()
          .lines().count());
      skiffd.crictl("rmp", "-f", pod).orThrow("crictl rmp -f");
      assertEquals("", skiffd.crictl("ps", "-a", "-q").orThrow("crictl ps -a").stdout().strip());
      assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(skiffd.runDir().toString()),
          "a mount is left below " + skiffd.runDir());
      try (var bundles = Files.list(skiffd.runDir().resolve("containers"))) {
        assertEquals(0, bundles.count(), "bundles are left");
      }
    }
  }
}
