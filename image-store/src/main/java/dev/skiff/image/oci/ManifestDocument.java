package dev.skiff.image.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.image.ImageStoreException;
import dev.skiff.image.ImageStoreException.Kind;
import dev.skiff.image.ref.Digest;
import dev.skiff.image.registry.MediaTypes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A parsed manifest or index: exactly one of the two variants. */
public sealed interface ManifestDocument {
  ObjectMapper JSON = new ObjectMapper();

  /** A single-platform image: its config and layers, bottom layer first. */
  record ImageManifest(Descriptor config, List<Descriptor> layers) implements ManifestDocument {}

  /** An index (manifest list): one manifest per platform. */
  record ManifestIndex(List<Descriptor> manifests) implements ManifestDocument {}

  /**
   * Parses by the media type the registry declared, falling back to the document's own
   * {@code mediaType} and shape. Schema1 manifests are refused by name.
   */
  static ManifestDocument parse(byte[] bytes, String declaredMediaType, String what) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw ImageStoreException.badContent("manifest of " + what + " is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw ImageStoreException.badContent("manifest of " + what + " is not a JSON object");
    }
    String mediaType = root.path("mediaType").asText("");
    if (mediaType.isEmpty()) {
      mediaType = declaredMediaType;
    }
    if (MediaTypes.isSchema1(mediaType) || MediaTypes.isSchema1(declaredMediaType)
        || root.path("schemaVersion").asInt(0) == 1) {
      throw new ImageStoreException(Kind.UNSUPPORTED, what + " uses the Docker schema1 manifest format, which skiff "
          + "does not pull; push it again with a current client");
    }
    if (!MediaTypes.isIndex(mediaType) && !MediaTypes.isManifest(mediaType)) {
      mediaType = root.has("manifests") ? MediaTypes.OCI_INDEX : root.has("layers") ? MediaTypes.OCI_MANIFEST : mediaType;
    }
    if (MediaTypes.isIndex(mediaType)) {
      List<Descriptor> manifests = new ArrayList<>();
      for (JsonNode entry : root.path("manifests")) {
        manifests.add(descriptor(entry, what));
      }
      return new ManifestIndex(List.copyOf(manifests));
    }
    if (MediaTypes.isManifest(mediaType)) {
      Descriptor config = descriptor(root.path("config"), what);
      List<Descriptor> layers = new ArrayList<>();
      for (JsonNode entry : root.path("layers")) {
        Descriptor layer = descriptor(entry, what);
        if (!MediaTypes.LAYER_TYPES.contains(layer.mediaType())) {
          throw new ImageStoreException(Kind.UNSUPPORTED, what + " has layer " + layer.digest()
              + " of unsupported media type '" + layer.mediaType() + "'");
        }
        layers.add(layer);
      }
      return new ImageManifest(config, List.copyOf(layers));
    }
    throw new ImageStoreException(Kind.UNSUPPORTED, what + " has unsupported manifest media type '" + mediaType + "'");
  }

  private static Descriptor descriptor(JsonNode node, String what) {
    if (!node.isObject() || !node.path("digest").isTextual() || !node.path("size").canConvertToLong()) {
      throw ImageStoreException.badContent("manifest of " + what + " has a malformed descriptor: " + node);
    }
    long size = node.path("size").asLong();
    if (size < 0) {
      throw ImageStoreException.badContent("manifest of " + what + " has a descriptor with negative size");
    }
    Digest digest;
    try {
      digest = Digest.parse(node.path("digest").asText());
    } catch (ImageStoreException e) {
      throw ImageStoreException.badContent("manifest of " + what + " has a bad digest: " + e.getMessage());
    }
    Platform platform = null;
    JsonNode p = node.path("platform");
    if (p.isObject()) {
      platform = new Platform(p.path("os").asText(""), p.path("architecture").asText(""), p.path("variant").asText(""));
    }
    return new Descriptor(node.path("mediaType").asText(""), digest, size, platform);
  }
}
