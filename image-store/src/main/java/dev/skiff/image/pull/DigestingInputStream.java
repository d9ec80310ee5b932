package dev.skiff.image.pull;

import dev.skiff.image.content.ObservedInputStream;
import dev.skiff.image.ref.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Hashes what passes through: the uncompressed layer, to check it against the config's diff ID. */
final class DigestingInputStream extends ObservedInputStream {
  private final MessageDigest sha256 = Digest.newSha256();

  DigestingInputStream(InputStream in) {
    super(in);
  }

  @Override
  protected void observe(byte[] bytes, int offset, int length) {
    sha256.update(bytes, offset, length);
  }

  /** Reads to the end (tar padding after the end-of-archive blocks) and returns the digest. */
  Digest drainAndDigest() throws IOException {
    byte[] buffer = new byte[128 * 1024];
    while (read(buffer, 0, buffer.length) >= 0) {
      // keep reading
    }
    return Digest.fromBytes(sha256.digest());
  }
}
