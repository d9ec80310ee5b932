package dev.skiff.server.rpc.image;

import dev.skiff.cri.v1.ListImagesRequest;
import dev.skiff.cri.v1.ListImagesResponse;
import dev.skiff.image.ImageStore;
import dev.skiff.image.ImageStoreException;
import dev.skiff.server.rpc.Rpc;

/** ListImages: every image, or only the one the filter's reference or id names (none if it names nothing). */
public final class ListImagesRpc implements Rpc<ListImagesRequest, ListImagesResponse> {
  private final ImageStore store;

  public ListImagesRpc(ImageStore store) {
    this.store = store;
  }

  @Override
  public ListImagesResponse call(ListImagesRequest request) throws Exception {
    String filter = request.hasFilter() && request.getFilter().hasImage() ? request.getFilter().getImage().getImage() : "";
    ListImagesResponse.Builder response = ListImagesResponse.newBuilder();
    if (filter.isEmpty()) {
      store.list().forEach(image -> response.addImages(CriImages.toCri(image)));
      return response.build();
    }
    try {
      store.find(filter).ifPresent(image -> response.addImages(CriImages.toCri(image)));
    } catch (ImageStoreException e) {
      if (e.kind() != ImageStoreException.Kind.INVALID) {
        throw e;
      }
      // A filter that is no valid reference matches no image.
    }
    return response.build();
  }
}
