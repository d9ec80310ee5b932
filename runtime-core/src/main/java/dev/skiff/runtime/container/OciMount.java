package dev.skiff.runtime.container;

import java.util.List;

/** One entry of the OCI spec's {@code mounts}. */
public record OciMount(String destination, String type, String source, List<String> options) {
  public OciMount {
    options = List.copyOf(options);
  }
}
