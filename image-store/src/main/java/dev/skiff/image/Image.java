package dev.skiff.image;

import dev.skiff.image.index.ImageRecord;
import dev.skiff.image.oci.OciImageConfig;
import java.util.List;

/**
 * An image as callers see it: its record, its parsed config, the config JSON as stored, and
 * whether the configured pinned_images name it.
 */
public record Image(ImageRecord record, OciImageConfig config, byte[] configJson, boolean pinned) {
  public String id() {
    return record.id();
  }

  public List<String> repoTags() {
    return record.repoTags();
  }

  public List<String> repoDigests() {
    return record.repoDigests();
  }

  public long size() {
    return record.size();
  }

  /** The config's User split as the CRI wants it: a numeric uid, or a user name; the group part is dropped. */
  public ImageUser user() {
    return ImageUser.parse(config.user());
  }
}
