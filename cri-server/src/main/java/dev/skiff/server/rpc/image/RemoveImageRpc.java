package dev.skiff.server.rpc.image;

import dev.skiff.cri.v1.RemoveImageRequest;
import dev.skiff.cri.v1.RemoveImageResponse;
import dev.skiff.image.ImageStore;
import dev.skiff.server.rpc.Rpc;

/**
 * RemoveImage by id, tag or digest removes the image with all its tags (the current CRI
 * text); an image that is already gone succeeds. Layers a container still uses stay on
 * disk until that container is removed.
 */
public final class RemoveImageRpc implements Rpc<RemoveImageRequest, RemoveImageResponse> {
  private final ImageStore store;

  public RemoveImageRpc(ImageStore store) {
    this.store = store;
  }

  @Override
  public RemoveImageResponse call(RemoveImageRequest request) throws Exception {
    String reference = CriImages.requireImage(request.hasImage(), request.getImage(), "image.image");
    store.remove(reference);
    return RemoveImageResponse.getDefaultInstance();
  }
}
