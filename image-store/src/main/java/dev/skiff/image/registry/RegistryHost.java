package dev.skiff.image.registry;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * How skiff reaches one registry, named by the host as references spell it
 * ({@code docker.io}, {@code 127.0.0.1:5000}). Mirrors are tried in order and replace the
 * host itself when set; plainHttp and skipVerify apply to the host, caFile and skipVerify
 * to its https mirrors too.
 */
public record RegistryHost(List<URI> mirrors, boolean plainHttp, boolean skipVerify, Path caFile) {
  public static final RegistryHost DEFAULT = new RegistryHost(List.of(), false, false, null);

  public RegistryHost {
    mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
  }
}
