package dev.skiff.image;

import dev.skiff.image.oci.OciImageConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * What a container is built from: the snapshot directories, top layer first (the order
 * of an overlay lowerdir option), and the image's config.
 */
public record ImageRootfs(String imageId, List<Path> layers, OciImageConfig config) {
  public ImageRootfs {
    layers = List.copyOf(layers);
  }
}
