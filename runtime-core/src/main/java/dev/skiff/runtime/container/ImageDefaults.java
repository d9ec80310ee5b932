package dev.skiff.runtime.container;

import java.util.List;

/**
 * What the image's config says about its process (OCI image config {@code config}):
 * ENTRYPOINT, CMD, ENV, WORKDIR, USER and StopSignal. cri-server copies these from the
 * image store; empty lists and null strings mean the image does not set them.
 */
public record ImageDefaults(
    List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user, String stopSignal) {
  public ImageDefaults {
    entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
    cmd = cmd == null ? List.of() : List.copyOf(cmd);
    env = env == null ? List.of() : List.copyOf(env);
  }

  public static ImageDefaults none() {
    return new ImageDefaults(List.of(), List.of(), List.of(), null, null, null);
  }
}
