package dev.skiff.image.index;

import dev.skiff.image.ref.Digest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One image as the index stores it. {@code id} is the config digest ({@code sha256:…}),
 * as every CRI image_id field must be. Size is the content the registry sent: config plus
 * compressed layers. Layers are bottom first. Digests are strings here because this
 * record is the on-disk JSON form; the accessors below give typed values.
 */
public record ImageRecord(
    String id,
    List<String> repoTags,
    List<String> repoDigests,
    long size,
    List<String> manifestDigests,
    List<LayerRecord> layers,
    boolean pinned,
    long pulledAtMillis) {

  /** One layer: its blob, its uncompressed diff ID and the chain ID naming its snapshot. */
  public record LayerRecord(String digest, long size, String diffId, String chainId) {
    public Digest chainIdDigest() {
      return Digest.parse(chainId);
    }

    public Digest blobDigest() {
      return Digest.parse(digest);
    }
  }

  public ImageRecord {
    repoTags = repoTags == null ? List.of() : List.copyOf(repoTags);
    repoDigests = repoDigests == null ? List.of() : List.copyOf(repoDigests);
    manifestDigests = manifestDigests == null ? List.of() : List.copyOf(manifestDigests);
    layers = layers == null ? List.of() : List.copyOf(layers);
  }

  public Digest configDigest() {
    return Digest.parse(id);
  }

  /** Every blob this image needs kept: manifests, config, layers. */
  public List<Digest> blobs() {
    List<Digest> blobs = new ArrayList<>();
    manifestDigests.forEach(d -> blobs.add(Digest.parse(d)));
    blobs.add(configDigest());
    layers.forEach(l -> blobs.add(l.blobDigest()));
    return blobs;
  }

  /** This image after another pull of it: references of both, newest pull time. */
  public ImageRecord mergedWith(ImageRecord newer) {
    return new ImageRecord(id, union(repoTags, newer.repoTags), union(repoDigests, newer.repoDigests),
        newer.size, union(manifestDigests, newer.manifestDigests), newer.layers, pinned || newer.pinned,
        Math.max(pulledAtMillis, newer.pulledAtMillis));
  }

  public ImageRecord withoutTag(String tag) {
    List<String> tags = new ArrayList<>(repoTags);
    tags.remove(tag);
    return new ImageRecord(id, tags, repoDigests, size, manifestDigests, layers, pinned, pulledAtMillis);
  }

  private static List<String> union(List<String> a, List<String> b) {
    LinkedHashSet<String> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }
}
