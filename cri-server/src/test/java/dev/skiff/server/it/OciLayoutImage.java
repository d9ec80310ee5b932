package dev.skiff.server.it;

import com.github.luben.zstd.ZstdOutputStream;
import dev.skiff.image.ref.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Builds a real OCI image layout directory (oci-layout, index.json, blobs/sha256) from
 * layers written here, for skopeo to push. Layers can be gzip, zstd or plain tar.
 */
public final class OciLayoutImage {
  public enum Compression { GZIP, ZSTD, NONE }

  /** One layer being written. */
  public static final class Layer {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;
    private final Compression compression;

    Layer(Compression compression) {
      this.compression = compression;
      tar = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name());
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    public Layer dir(String name, int mode) {
      TarArchiveEntry entry = new TarArchiveEntry(name + "/");
      entry.setMode(mode);
      entry.setModTime(new Date(1_700_000_000_000L));
      return put(entry, null);
    }

    public Layer file(String name, byte[] content, int mode, int uid, int gid) {
      TarArchiveEntry entry = new TarArchiveEntry(name);
      entry.setMode(mode);
      entry.setSize(content.length);
      entry.setIds(uid, gid);
      entry.setModTime(new Date(1_700_000_000_000L));
      return put(entry, content);
    }

    public Layer file(String name, String content) {
      return file(name, content.getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
    }

    public Layer symlink(String name, String target) {
      TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
      entry.setLinkName(target);
      return put(entry, null);
    }

    public Layer hardlink(String name, String target) {
      TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_LINK);
      entry.setLinkName(target);
      return put(entry, null);
    }

    /**
     * A PAX extended header ('x') with these records, byte for byte, for the next entry:
     * the writer's own PAX support takes only String values.
     */
    public Layer paxRecords(Map<String, byte[]> records) {
      ByteArrayOutputStream data = new ByteArrayOutputStream();
      records.forEach((key, value) -> {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        int rest = 1 + keyBytes.length + 1 + value.length + 1;
        int length = rest + String.valueOf(rest).length();
        if (String.valueOf(length).length() != String.valueOf(rest).length()) {
          length++;
        }
        data.writeBytes((length + " " + key + "=").getBytes(StandardCharsets.UTF_8));
        data.writeBytes(value);
        data.write('\n');
      });
      TarArchiveEntry header = new TarArchiveEntry("PaxHeaders/next", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
      header.setSize(data.size());
      return put(header, data.toByteArray());
    }

    private Layer put(TarArchiveEntry entry, byte[] content) {
      try {
        tar.putArchiveEntry(entry);
        if (content != null) {
          tar.write(content);
        }
        tar.closeArchiveEntry();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return this;
    }
  }

  private final List<Layer> layers = new ArrayList<>();

  public Layer layer(Compression compression) {
    Layer layer = new Layer(compression);
    layers.add(layer);
    return layer;
  }

  /** What was written: the config digest is the image id skiff must report. */
  public record Written(Digest config, Digest manifest, List<Digest> layers, List<Digest> diffIds) {}

  /** Writes the layout with this config's "config" object (Env, Entrypoint, ...). */
  public Written write(Path dir, String containerConfigJson) throws IOException {
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    StringBuilder layerDescriptors = new StringBuilder();
    StringBuilder diffIds = new StringBuilder();
    List<Digest> layerDigests = new ArrayList<>();
    List<Digest> diffIdList = new ArrayList<>();
    for (Layer layer : layers) {
      layer.tar.finish();
      layer.tar.close();
      byte[] tar = layer.bytes.toByteArray();
      byte[] blob = compress(tar, layer.compression);
      Digest digest = writeBlob(blobs, blob);
      layerDigests.add(digest);
      diffIdList.add(Digest.of(tar));
      String mediaType = switch (layer.compression) {
        case GZIP -> "application/vnd.oci.image.layer.v1.tar+gzip";
        case ZSTD -> "application/vnd.oci.image.layer.v1.tar+zstd";
        case NONE -> "application/vnd.oci.image.layer.v1.tar";
      };
      layerDescriptors.append(layerDescriptors.length() == 0 ? "" : ",").append(descriptor(mediaType, digest, blob.length));
      diffIds.append(diffIds.length() == 0 ? "" : ",").append('"').append(Digest.of(tar)).append('"');
    }
    byte[] config = ("{\"created\":\"2026-01-01T00:00:00Z\",\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":"
        + containerConfigJson + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}")
        .getBytes(StandardCharsets.UTF_8);
    Digest configDigest = writeBlob(blobs, config);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
        + descriptor("application/vnd.oci.image.config.v1+json", configDigest, config.length) + ",\"layers\":["
        + layerDescriptors + "]}").getBytes(StandardCharsets.UTF_8);
    Digest manifestDigest = writeBlob(blobs, manifest);
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
        + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest + "\",\"size\":" + manifest.length
        + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}]}");
    return new Written(configDigest, manifestDigest, layerDigests, diffIdList);
  }

  private static String descriptor(String mediaType, Digest digest, long size) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
  }

  private static Digest writeBlob(Path blobs, byte[] blob) throws IOException {
    Digest digest = Digest.of(blob);
    Files.write(blobs.resolve(digest.hex()), blob);
    return digest;
  }

  private static byte[] compress(byte[] tar, Compression compression) throws IOException {
    if (compression == Compression.NONE) {
      return tar;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream compressed = compression == Compression.GZIP ? new GZIPOutputStream(out) : new ZstdOutputStream(out)) {
      compressed.write(tar);
    }
    return out.toByteArray();
  }
}
