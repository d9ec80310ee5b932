package dev.skiff.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path dir;

  @Test
  void noFileGivesTheDocumentedDefaults() {
    SkiffConfig config = ConfigLoader.load(null, false, Map.of());
    assertEquals("/run/skiff/skiff.sock", config.daemon().socket());
    assertEquals("/var/lib/skiff", config.daemon().stateDir());
    assertEquals("/run/skiff", config.daemon().runDir());
    assertEquals("info", config.daemon().logLevel());
    assertEquals("/skiff", config.cgroup().root());
    assertEquals("skiff0", config.network().bridge());
    assertEquals("10.88.0.0/16", config.network().podCidr());
    assertTrue(config.registries().isEmpty());
  }

  @Test
  void shippedDefaultFileEqualsBuiltInDefaults() {
    Path shipped = Path.of(System.getProperty("user.dir")).getParent().resolve("deploy/skiff.toml");
    assertEquals(SkiffConfig.defaults(), ConfigLoader.load(shipped, true, Map.of()));
  }

  @Test
  void fileOverridesDefaultsAndKeepsTheRest() throws IOException {
    Path file = write("skiff.toml", """
        [daemon]
        socket = "/tmp/x.sock"
        [registries."registry.k8s.io"]
        mirrors = ["http://127.0.0.1:5000"]
        """);
    SkiffConfig config = ConfigLoader.load(file, true, Map.of());
    assertEquals("/tmp/x.sock", config.daemon().socket());
    assertEquals("/var/lib/skiff", config.daemon().stateDir());
    RegistryConfig registry = config.registries().get("registry.k8s.io");
    assertEquals(List.of("http://127.0.0.1:5000"), registry.mirrors());
    assertFalse(registry.plainHttp());
    assertEquals("", registry.caFile());
  }

  @Test
  void dropInsApplyInNameOrderAndFlagsWin() throws IOException {
    Path file = write("skiff.toml", "[daemon]\nlog_level = \"warn\"\nstate_dir = \"/a\"\n");
    Files.createDirectories(dir.resolve("skiff.toml.d"));
    write("skiff.toml.d/20-b.toml", "[daemon]\nstate_dir = \"/c\"\n");
    write("skiff.toml.d/10-a.toml", "[daemon]\nstate_dir = \"/b\"\nlog_level = \"debug\"\n");
    SkiffConfig config = ConfigLoader.load(file, true, Map.of("daemon.log_level", "error"));
    assertEquals("/c", config.daemon().stateDir());
    assertEquals("error", config.daemon().logLevel());
  }

  @Test
  void badValueNamesItsKey() throws IOException {
    Path file = write("skiff.toml", "[daemon]\nlog_level = \"loud\"\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, true, Map.of()));
    assertEquals("daemon.log_level", e.key());
    assertTrue(e.getMessage().contains("loud"), e.getMessage());
  }

  @Test
  void unknownKeyIsNamed() throws IOException {
    Path file = write("skiff.toml", "[network]\nbrige = \"br0\"\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, true, Map.of()));
    assertEquals("network.brige", e.key());
  }

  @Test
  void wrongTypeIsNamed() throws IOException {
    Path file = write("skiff.toml", "[image]\nstall_timeout_seconds = \"soon\"\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, true, Map.of()));
    assertEquals("image.stall_timeout_seconds", e.key());
  }

  @Test
  void flagValuesAreValidatedLikeFileValues() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, false, Map.of("network.pod_cidr", "10.88.0.0/33")));
    assertEquals("network.pod_cidr", e.key());
    e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, false, Map.of("daemon.socket", "relative.sock")));
    assertEquals("daemon.socket", e.key());
  }

  @Test
  void imageLimitsAndPinnedImagesAreReadAndValidated() throws IOException {
    Path file = write("skiff.toml", """
        [image]
        max_layer_unpacked_bytes = 1048576
        free_space_reserve_bytes = 0
        pinned_images = ["registry.k8s.io/pause:3.9", "quay.io/skiff/*"]
        """);
    SkiffConfig config = ConfigLoader.load(file, true, Map.of());
    assertEquals(1048576L, config.image().maxLayerUnpackedBytes());
    assertEquals(0L, config.image().freeSpaceReserveBytes());
    assertEquals(List.of("registry.k8s.io/pause:3.9", "quay.io/skiff/*"), config.image().pinnedImages());

    Path badGlob = write("skiff.toml", "[image]\npinned_images = [\"quay.io/*/pause\"]\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(badGlob, true, Map.of()));
    assertEquals("image.pinned_images", e.key());
    assertTrue(e.getMessage().contains("quay.io/*/pause"), e.getMessage());
    Path zeroCap = write("skiff.toml", "[image]\nmax_layer_unpacked_bytes = 0\n");
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(zeroCap, true, Map.of()));
    assertEquals("image.max_layer_unpacked_bytes", e.key());
    Path negativeReserve = write("skiff.toml", "[image]\nfree_space_reserve_bytes = -1\n");
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(negativeReserve, true, Map.of()));
    assertEquals("image.free_space_reserve_bytes", e.key());
  }

  @Test
  void badMirrorUrlIsNamed() throws IOException {
    Path file = write("skiff.toml", "[registries.\"gcr.io\"]\nmirrors = [\"ftp://x\"]\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, true, Map.of()));
    assertEquals("registries.gcr.io.mirrors", e.key());
  }

  @Test
  void missingNamedFileIsAnErrorButMissingDefaultIsNot() {
    Path missing = dir.resolve("nope.toml");
    assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, true, Map.of()));
    assertEquals(SkiffConfig.defaults(), ConfigLoader.load(missing, false, Map.of()));
  }

  @Test
  void invalidTomlIsReported() throws IOException {
    Path file = write("skiff.toml", "[daemon\nsocket=");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, true, Map.of()));
    assertTrue(e.getMessage().contains("not valid TOML"), e.getMessage());
  }

  @Test
  void effectiveConfigRoundTripsThroughToml() throws IOException {
    SkiffConfig config = ConfigLoader.load(null, false, Map.of("cgroup.root", "skiff-test"));
    Path file = write("printed.toml", ConfigLoader.toToml(config));
    assertEquals(config, ConfigLoader.load(file, true, Map.of()));
    assertTrue(config.cgroup().relativeToOwnCgroup());
  }

  @Test
  void streamingDefaultsToLoopbackAnyPortOneMinuteTokensNoTls() {
    StreamingConfig streaming = ConfigLoader.load(null, false, Map.of()).streaming();
    assertEquals(new StreamingConfig("127.0.0.1", 0, 60, "", "", 14400), streaming);
    assertFalse(streaming.tls());
  }

  @Test
  void streamingRejectsHostNamesBadPortsAndHalfTls() throws IOException {
    for (String address : new String[] {"localhost", "256.1.1.1", "1.2.3", "[::1]", "fe80::zz"}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> ConfigLoader.load(null, false, Map.of("streaming.address", address)), address);
      assertEquals("streaming.address", e.key());
    }
    assertEquals("::1", ConfigLoader.load(null, false, Map.of("streaming.address", "::1")).streaming().address());
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, false, Map.of("streaming.port", 70000)));
    assertEquals("streaming.port", e.key());
    e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, false, Map.of("streaming.token_ttl_seconds", 0)));
    assertEquals("streaming.token_ttl_seconds", e.key());
    Path file = write("skiff.toml", "[streaming]\ntls_cert_file = \"/etc/skiff/stream.crt\"\n");
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, true, Map.of()));
    assertEquals("streaming.tls_key_file", e.key());
  }

  @Test
  void metricsAreOffByDefaultAndTakeAnIpLiteralWithAPort() {
    MetricsConfig metrics = ConfigLoader.load(null, false, Map.of()).metrics();
    assertFalse(metrics.enabled());

    MetricsConfig on = ConfigLoader.load(null, false, Map.of("metrics.address", "127.0.0.1:9090")).metrics();
    assertTrue(on.enabled());
    assertEquals("127.0.0.1", on.host());
    assertEquals(9090, on.port());
    MetricsConfig v6 = ConfigLoader.load(null, false, Map.of("metrics.address", "[::1]:0")).metrics();
    assertEquals("::1", v6.host());
    assertEquals(0, v6.port());
    for (String address : new String[] {"9090", "localhost:9090", "::1:9090", "127.0.0.1:70000", "127.0.0.1:",
        "127.0.0.1:http", ":9090"}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> ConfigLoader.load(null, false, Map.of("metrics.address", address)), address);
      assertEquals("metrics.address", e.key());
    }
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }
}
