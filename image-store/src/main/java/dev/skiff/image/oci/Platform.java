package dev.skiff.image.oci;

import java.util.Locale;

/** os/architecture[/variant] of an index entry or of the host. */
public record Platform(String os, String architecture, String variant) {
  /** The host's platform in OCI terms (Go's GOARCH names). */
  public static Platform host() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String oci = switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "ppc64le" -> "ppc64le";
      case "s390x" -> "s390x";
      case "riscv64" -> "riscv64";
      default -> arch;
    };
    return new Platform("linux", oci, oci.equals("arm64") ? "v8" : "");
  }

  /** Whether an index entry for {@code candidate} can run here (variant is compared only when both name one). */
  public boolean accepts(Platform candidate) {
    if (candidate == null || !os.equals(candidate.os()) || !architecture.equals(candidate.architecture())) {
      return false;
    }
    return variant.isEmpty() || candidate.variant() == null || candidate.variant().isEmpty()
        || variant.equals(candidate.variant());
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
  }
}
