package dev.skiff.server.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the checkout and the test tools (installed by critest/install-tools.sh) are. */
public final class Tools {
  private Tools() {}

  public static Path repo() {
    String fromEnv = System.getenv("SKIFF_REPO");
    if (fromEnv != null && Files.exists(Path.of(fromEnv, "bin", "skiffd"))) {
      return Path.of(fromEnv);
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("bin/skiffd"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new AssertionError("cannot find the checkout (bin/skiffd); set SKIFF_REPO");
    }
    return dir;
  }

  public static Path skiffd() {
    Path skiffd = repo().resolve("bin/skiffd");
    if (!Files.exists(repo().resolve("cri-server/target/skiffd.jar"))) {
      throw new AssertionError("skiffd is not built: run mvn package first");
    }
    return skiffd;
  }

  /** A tool from the cache, or a clear failure saying how to install it. */
  public static Path tool(String name) {
    String override = System.getenv("SKIFF_" + name.toUpperCase().replace('-', '_'));
    Path path = override != null ? Path.of(override) : repo().resolve(".cache/tools/bin/" + name);
    if (!Files.isExecutable(path)) {
      throw new AssertionError(name + " is not installed at " + path + "; run critest/install-tools.sh");
    }
    return path;
  }
}
