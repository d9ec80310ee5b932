package dev.skiff.server.rpc.container;

import java.nio.file.Path;

/**
 * Where containers live on disk: bundles under the run directory (tmpfs: gone at boot, as
 * the containers are) and the overlay's writable layer under the state directory.
 * <pre>
 *   RUN_DIR/containers/ID32/      OCI bundle: config.json, shim-plan, shim files, rootfs/
 *   STATE_DIR/container-layers/ID/{upper,work}
 * </pre>
 * A bundle is named by the first 32 hex digits of the id (128 random bits): the shim's
 * control socket lives in it, and a unix socket path must fit in 108 bytes.
 */
public record ContainerDirectories(Path bundles, Path layers) {
  public static ContainerDirectories of(Path runDir, Path stateDir) {
    return new ContainerDirectories(runDir.resolve("containers"), stateDir.resolve("container-layers"));
  }

  static final int BUNDLE_NAME_LENGTH = 32;

  public Path bundle(String id) {
    return bundles.resolve(id.substring(0, Math.min(BUNDLE_NAME_LENGTH, id.length())));
  }

  public Path layer(String id) {
    return layers.resolve(id);
  }
}
