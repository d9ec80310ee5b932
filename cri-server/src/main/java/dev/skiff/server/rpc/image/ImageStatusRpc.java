package dev.skiff.server.rpc.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.cri.v1.ImageStatusRequest;
import dev.skiff.cri.v1.ImageStatusResponse;
import dev.skiff.image.Image;
import dev.skiff.image.ImageStore;
import dev.skiff.image.index.ImageRecord;
import dev.skiff.server.rpc.Rpc;
import java.util.Optional;

/**
 * ImageStatus: an absent image is an empty response, not an error, as the CRI requires.
 * verbose adds {@code info["info"]}: the image config as stored ({@code imageSpec}) with
 * the chain ID of its top layer, in the shape containerd uses so crictl inspecti reads it.
 */
public final class ImageStatusRpc implements Rpc<ImageStatusRequest, ImageStatusResponse> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ImageStore store;

  public ImageStatusRpc(ImageStore store) {
    this.store = store;
  }

  @Override
  public ImageStatusResponse call(ImageStatusRequest request) throws Exception {
    String reference = CriImages.requireImage(request.hasImage(), request.getImage(), "image.image");
    Optional<Image> image = store.find(reference);
    if (image.isEmpty()) {
      return ImageStatusResponse.getDefaultInstance();
    }
    ImageStatusResponse.Builder response = ImageStatusResponse.newBuilder().setImage(CriImages.toCri(image.get()));
    if (request.getVerbose()) {
      response.putInfo("info", verboseInfo(image.get()));
    }
    return response.build();
  }

  private static String verboseInfo(Image image) throws java.io.IOException {
    ObjectNode info = JSON.createObjectNode();
    ImageRecord record = image.record();
    if (!record.layers().isEmpty()) {
      info.put("chainID", record.layers().get(record.layers().size() - 1).chainId());
    }
    JsonNode config = JSON.readTree(image.configJson());
    info.set("imageSpec", config);
    return JSON.writeValueAsString(info);
  }
}
