package dev.skiff.runtime.container;

import java.util.List;

/**
 * One entry of the OCI spec's {@code mounts}; {@code idmap} is null unless the bind is shown
 * through a user namespace's idmapping.
 */
public record OciMount(String destination, String type, String source, List<String> options, MountIdmap idmap) {
  public OciMount {
    options = List.copyOf(options);
  }

  public OciMount(String destination, String type, String source, List<String> options) {
    this(destination, type, source, options, null);
  }
}
