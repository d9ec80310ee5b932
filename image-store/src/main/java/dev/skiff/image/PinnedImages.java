package dev.skiff.image;

import dev.skiff.image.ref.ImageReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The images reported as pinned (kubelet's image garbage collection never removes them),
 * as CRI-O's {@code pinned_images}: each pattern is an exact reference, normalized as
 * pulls are ({@code busybox} names {@code docker.io/library/busybox:latest}), an exact
 * image id, or a prefix ending in {@code *} matched against the image's tags, digests and
 * id as they are listed.
 */
public final class PinnedImages {
  public static final PinnedImages NONE = new PinnedImages(List.of());

  private final List<String> exact = new ArrayList<>();
  private final List<String> prefixes = new ArrayList<>();

  /** @throws ImageStoreException INVALID naming a pattern that is no reference, id or trailing glob */
  public PinnedImages(List<String> patterns) {
    for (String pattern : patterns) {
      int star = pattern.indexOf('*');
      if (star >= 0) {
        if (star != pattern.length() - 1 || star == 0) {
          throw ImageStoreException.invalid("pinned image pattern '" + pattern
              + "' may only end in '*' (after at least one character)");
        }
        prefixes.add(pattern.substring(0, star));
      } else if (pattern.matches("sha256:[a-f0-9]{64}")) {
        exact.add(pattern);
      } else {
        ImageReference ref = ImageReference.parse(pattern);
        exact.add(ref.digest() != null ? ref.repoDigest(ref.digest()) : ref.repoTag().orElseThrow());
      }
    }
  }

  public boolean matches(Image image) {
    List<String> names = new ArrayList<>(image.repoTags());
    names.addAll(image.repoDigests());
    names.add(image.id());
    for (String name : names) {
      if (exact.contains(name)) {
        return true;
      }
      for (String prefix : prefixes) {
        if (name.startsWith(prefix)) {
          return true;
        }
      }
    }
    return false;
  }
}
