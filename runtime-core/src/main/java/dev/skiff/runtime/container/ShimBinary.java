package dev.skiff.runtime.container;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the skiff-shim executable is: system property skiff.shim (bin/skiffd sets it), else $SKIFF_SHIM. */
public final class ShimBinary {
  public static final String PROPERTY = "skiff.shim";

  private ShimBinary() {}

  /** The configured path as given, for passing on to another process; empty when unset. */
  public static String locateQuietly() {
    return System.getProperty(PROPERTY, System.getenv("SKIFF_SHIM") == null ? "" : System.getenv("SKIFF_SHIM"));
  }

  public static Path locate() throws ContainerException {
    String value = System.getProperty(PROPERTY, System.getenv("SKIFF_SHIM"));
    if (value == null || value.isEmpty()) {
      throw new ContainerException(ContainerException.Kind.INTERNAL,
          "the shim executable is not configured: set -D" + PROPERTY + " or SKIFF_SHIM");
    }
    Path path = Path.of(value);
    if (!Files.isExecutable(path)) {
      throw new ContainerException(ContainerException.Kind.INTERNAL,
          "the shim executable " + path + " is missing or not executable (build runtime-core)");
    }
    return path;
  }
}
