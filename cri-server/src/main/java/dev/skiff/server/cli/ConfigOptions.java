package dev.skiff.server.cli;

import dev.skiff.server.config.ConfigLoader;
import dev.skiff.server.config.SkiffConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The flags that select and override configuration, shared by skiffd and skiffd config. */
public final class ConfigOptions {
  static final Path DEFAULT_CONFIG = Path.of("/etc/skiff/skiff.toml");

  @Option(names = "--config", paramLabel = "FILE",
      description = "TOML config file (default: ${DEFAULT-VALUE} if it exists); FILE.d/*.toml are drop-ins")
  Path config;

  @Option(names = "--socket", paramLabel = "PATH", description = "CRI unix socket [daemon.socket]")
  String socket;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "persistent state [daemon.state_dir]")
  String stateDir;

  @Option(names = "--run-dir", paramLabel = "DIR", description = "runtime state, gone at boot [daemon.run_dir]")
  String runDir;

  @Option(names = "--cgroup-root", paramLabel = "PATH", description = "cgroup under which skiff creates its cgroups [cgroup.root]")
  String cgroupRoot;

  @Option(names = "--log-level", paramLabel = "LEVEL", description = "trace, debug, info, warn or error [daemon.log_level]")
  String logLevel;

  @Option(names = "--bridge", paramLabel = "NAME", description = "pod network bridge [network.bridge]")
  String bridge;

  @Option(names = "--pod-cidr", paramLabel = "CIDR", description = "pod network [network.pod_cidr]")
  String podCidr;

  @Option(names = "--insecure-registry", paramLabel = "HOST:PORT",
      description = "reach this registry over plain HTTP; repeatable [image.insecure_registries]")
  List<String> insecureRegistries;

  public SkiffConfig load() {
    Map<String, Object> overrides = new LinkedHashMap<>();
    put(overrides, "daemon.socket", socket);
    put(overrides, "daemon.state_dir", stateDir);
    put(overrides, "daemon.run_dir", runDir);
    put(overrides, "daemon.log_level", logLevel);
    put(overrides, "cgroup.root", cgroupRoot);
    put(overrides, "network.bridge", bridge);
    put(overrides, "network.pod_cidr", podCidr);
    Path file = config != null ? config : (Files.exists(DEFAULT_CONFIG) ? DEFAULT_CONFIG : null);
    SkiffConfig withoutLists = ConfigLoader.load(file, config != null, overrides);
    if (insecureRegistries != null) {
      List<String> merged = new java.util.ArrayList<>(withoutLists.image().insecureRegistries());
      merged.addAll(insecureRegistries);
      overrides.put("image.insecure_registries", merged);
      return ConfigLoader.load(file, config != null, overrides);
    }
    return withoutLists;
  }

  private static void put(Map<String, Object> overrides, String key, String value) {
    if (value != null) {
      overrides.put(key, value);
    }
  }
}
