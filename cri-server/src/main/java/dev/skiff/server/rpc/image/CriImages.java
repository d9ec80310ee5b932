package dev.skiff.server.rpc.image;

import dev.skiff.cri.v1.Image;
import dev.skiff.cri.v1.ImageSpec;
import dev.skiff.cri.v1.Int64Value;
import dev.skiff.image.ImageUser;
import dev.skiff.server.rpc.CriError;

/** Maps image-store values to CRI messages and checks the ImageSpec every image RPC takes. */
final class CriImages {
  private CriImages() {}

  static Image toCri(dev.skiff.image.Image image) {
    Image.Builder cri = Image.newBuilder()
        .setId(image.id())
        .addAllRepoTags(image.repoTags())
        .addAllRepoDigests(image.repoDigests())
        .setSize(image.size())
        .setSpec(ImageSpec.newBuilder().setImage(image.id()))
        .setPinned(image.pinned());
    ImageUser user = image.user();
    if (user.uid() != null) {
      cri.setUid(Int64Value.newBuilder().setValue(user.uid()));
    } else if (user.username() != null) {
      cri.setUsername(user.username());
    }
    return cri.build();
  }

  /** The image reference or id an ImageSpec names; INVALID_ARGUMENT when absent. */
  static String requireImage(boolean hasSpec, ImageSpec spec, String field) {
    CriError.require(hasSpec && !spec.getImage().isEmpty(), field);
    return spec.getImage();
  }
}
