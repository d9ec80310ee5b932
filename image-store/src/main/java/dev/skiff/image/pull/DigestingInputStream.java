package dev.skiff.image.pull;

import dev.skiff.image.ref.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Hashes what passes through: the uncompressed layer, to check it against the config's diff ID. */
final class DigestingInputStream extends FilterInputStream {
  private final MessageDigest sha256 = Digest.newSha256();

  DigestingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n > 0) {
      sha256.update(buffer, offset, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[(int) Math.min(n, 64 * 1024)];
    int read = read(buffer, 0, buffer.length);
    return Math.max(read, 0);
  }

  @Override
  public boolean markSupported() {
    return false;
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
