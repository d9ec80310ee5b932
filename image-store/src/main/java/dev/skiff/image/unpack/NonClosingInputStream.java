package dev.skiff.image.unpack;

import java.io.FilterInputStream;
import java.io.InputStream;

/** Lets a reader be closed without closing the stream under it (which the caller still drains). */
final class NonClosingInputStream extends FilterInputStream {
  NonClosingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public void close() {
  }
}
