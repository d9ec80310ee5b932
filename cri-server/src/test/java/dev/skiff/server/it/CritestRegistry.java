package dev.skiff.server.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's docker-registry holding the critest look-alike images (critest/registry.sh:
 * built from Debian's busybox, cached in .cache/critest-images), on 127.0.0.1:PORT inside a
 * test's private network namespace. skiffd reaches them under their upstream names through
 * a registry mirror ({@link #mirrorToml()}).
 */
public final class CritestRegistry implements AutoCloseable {
  public static final String BUSYBOX = "registry.k8s.io/e2e-test-images/busybox:1.29-2";

  private final Path dir;
  private final int port;

  private CritestRegistry(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  public static CritestRegistry start(PrivateNetns netns, int port) throws IOException {
    Path dir = Files.createTempDirectory("skiff-it-registry-");
    Commands.run(List.of(Tools.repo().resolve("critest/registry.sh").toString(), "start", netns.name(),
        dir.toString(), Integer.toString(port)), 600).orThrow("critest/registry.sh start");
    return new CritestRegistry(dir, port);
  }

  /** skiffd config that serves registry.k8s.io from this registry. */
  public String mirrorToml() {
    return "[registries.\"registry.k8s.io\"]\nmirrors = [\"http://127.0.0.1:" + port + "\"]\n";
  }

  @Override
  public void close() {
    Commands.run(List.of(Tools.repo().resolve("critest/registry.sh").toString(), "stop", dir.toString()));
    SkiffdProcess.deleteTree(dir);
  }
}
