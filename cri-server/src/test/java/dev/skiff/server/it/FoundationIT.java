package dev.skiff.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.cri.v1.NetworkConfig;
import dev.skiff.cri.v1.RuntimeConfig;
import dev.skiff.cri.v1.UpdateRuntimeConfigRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real skiffd in a private netns, driven by the real crictl. */
class FoundationIT {
  @Test
  void crictlVersionInfoAndPsAgainstTheRealDaemon() throws Exception {
    try (SkiffdProcess skiffd = SkiffdProcess.start("")) {
      String version = skiffd.crictl("version").orThrow("crictl version").stdout();
      assertTrue(version.contains("RuntimeName:  skiff"), version);
      assertTrue(version.contains("RuntimeApiVersion:  v1"), version);

      JsonNode info = new ObjectMapper().readTree(skiffd.crictl("info").orThrow("crictl info").stdout());
      JsonNode conditions = info.path("status").path("conditions");
      assertEquals("RuntimeReady", conditions.get(0).path("type").asText());
      assertTrue(conditions.get(0).path("status").asBoolean());
      assertEquals("NetworkReady", conditions.get(1).path("type").asText());
      assertEquals(skiffd.socket().toString(), info.path("config").path("daemon").path("socket").asText());

      assertEquals("", skiffd.crictl("ps", "-a", "-q").orThrow("crictl ps").stdout().strip());
      // CheckpointContainer of an unknown container: NOT_FOUND, never a fake success (CheckpointIT does the rest).
      CommandResult checkpoint = skiffd.crictl("checkpoint", "--export", skiffd.dir().resolve("c.tar").toString(),
          "0123456789ab");
      assertNotEquals(0, checkpoint.exitCode());
      assertTrue(checkpoint.stderr().contains("NotFound"), checkpoint.stderr());
      assertFalse(Files.exists(skiffd.dir().resolve("c.tar")));
      // The daemon is unharmed by the refused call.
      skiffd.crictl("version").orThrow("crictl version after checkpoint");
      assertTrue(skiffd.logText().contains("serving CRI v1"), skiffd.logText());
    }
  }

  @Test
  void sigtermStopsCleanlyAndRemovesTheSocket() {
    try (SkiffdProcess skiffd = SkiffdProcess.start("")) {
      int code = skiffd.stop();
      // The JVM's exit status after SIGTERM is 128 + 15; systemd is told it is a clean stop.
      assertTrue(code == 143 || code == 0, "exit code " + code);
      assertFalse(Files.exists(skiffd.socket()));
      assertTrue(skiffd.logText().contains("Stopping skiffd"), skiffd.logText());
    }
  }

  @Test
  void missingRequiredFieldAnswersInvalidArgumentOverTheSocket() throws Exception {
    try (SkiffdProcess skiffd = SkiffdProcess.start("");
        CriClient client = new CriClient(skiffd.socket())) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> client.runtime().updateRuntimeConfig(UpdateRuntimeConfigRequest.getDefaultInstance()));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains("runtime_config"), e.getStatus().getDescription());

      client.runtime().updateRuntimeConfig(UpdateRuntimeConfigRequest.newBuilder()
          .setRuntimeConfig(RuntimeConfig.newBuilder()
              .setNetworkConfig(NetworkConfig.newBuilder().setPodCidr("10.244.7.0/24")))
          .build());
      skiffd.restart();
      Path settings = skiffd.stateDir().resolve("settings/runtime-settings.json");
      assertTrue(Files.readString(settings).contains("10.244.7.0/24"));
    }
  }

  @Test
  void secondDaemonOnTheSameSocketRefusesToStart() {
    try (SkiffdProcess skiffd = SkiffdProcess.start("")) {
      CommandResult second = Commands.run(skiffd.netns().wrap(List.of(Tools.skiffd().toString(),
          "--socket", skiffd.socket().toString(),
          "--state-dir", skiffd.dir().resolve("state2").toString(),
          "--run-dir", skiffd.dir().resolve("run2").toString())));
      assertNotEquals(0, second.exitCode());
      assertEquals("skiffd: another skiffd is running on " + skiffd.socket(), second.stderr().strip());
      skiffd.crictl("version").orThrow("first daemon still answers");
    }
  }

  @Test
  void socketInMissingOrReadOnlyDirectoryExitsWithOneClearLine() throws Exception {
    try (PrivateNetns netns = PrivateNetns.create("it")) {
      Path dir = Files.createTempDirectory("skiff-it-");
      Path readOnly = dir.resolve("ro");
      Files.createDirectories(readOnly);
      Commands.run(List.of("mount", "-t", "tmpfs", "-o", "ro,size=1m", "skiff-it", readOnly.toString()))
          .orThrow("mounting a read-only tmpfs");
      try {
        CommandResult missing = runSkiffd(netns, dir, dir.resolve("missing/skiff.sock"));
        assertNotEquals(0, missing.exitCode());
        assertEquals("skiffd: socket directory " + dir.resolve("missing") + " does not exist",
            missing.stderr().strip());

        CommandResult unwritable = runSkiffd(netns, dir, readOnly.resolve("skiff.sock"));
        assertNotEquals(0, unwritable.exitCode());
        assertEquals("skiffd: socket directory " + readOnly + " is not writable", unwritable.stderr().strip());
      } finally {
        SkiffdProcess.unmountBelow(dir);
        SkiffdProcess.deleteTree(dir);
      }
    }
  }

  @Test
  void badConfigValueExitsNamingTheKey() throws Exception {
    try (PrivateNetns netns = PrivateNetns.create("it")) {
      Path dir = Files.createTempDirectory("skiff-it-");
      try {
        Path config = dir.resolve("bad.toml");
        Files.writeString(config, "[daemon]\nlog_level = \"chatty\"\n");
        CommandResult result = Commands.run(netns.wrap(List.of(Tools.skiffd().toString(), "--config",
            config.toString())));
        assertEquals(2, result.exitCode());
        assertTrue(result.stderr().strip().startsWith("skiffd: config key daemon.log_level:"), result.stderr());
      } finally {
        SkiffdProcess.deleteTree(dir);
      }
    }
  }

  private static CommandResult runSkiffd(PrivateNetns netns, Path dir, Path socket) {
    return Commands.run(netns.wrap(List.of(Tools.skiffd().toString(),
        "--socket", socket.toString(),
        "--state-dir", dir.resolve("state").toString(),
        "--run-dir", dir.resolve("run").toString())));
  }
}
