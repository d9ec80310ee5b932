package dev.skiff.image.unpack;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Picks the decompressor by the stream's magic bytes rather than the media type, which
 * registries and image builders get wrong often enough: gzip, zstd, or a plain tar.
 */
public final class Decompression {
  private static final int BUFFER = 128 * 1024;

  private Decompression() {}

  public static InputStream open(InputStream compressed) throws IOException {
    BufferedInputStream in = new BufferedInputStream(compressed, BUFFER);
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    in.reset();
    if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return new GZIPInputStream(in, BUFFER);
    }
    if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd) {
      return new ZstdInputStream(in);
    }
    return in;
  }
}
