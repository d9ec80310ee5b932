package dev.skiff.runtime.stream;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The shim's stdio frame protocol, Java side (the C side and the meaning of each frame are in
 * src/main/c/frame.h): a type byte, a 4-byte big-endian length, the payload. Spoken on
 * {@code <bundle>/attach.sock} and on the stdin/stdout of {@code skiff-shim exec-stream}.
 */
final class StdioFrames {
  static final int STDIN = 0;
  static final int STDOUT = 1;
  static final int STDERR = 2;
  static final int EXIT = 3;
  static final int RESIZE = 4;
  static final int STDIN_CLOSE = 5;
  static final int ERROR = 6;
  static final int HELLO = 7;
  static final int READY = 8;

  /** HELLO flag: this client brings stdin. */
  static final int WANTS_STDIN = 0x01;
  /** READY flags: what the container or exec'd process has. */
  static final int TTY = 0x01;
  static final int HAS_STDIN = 0x02;
  static final int STDIN_ONCE = 0x04;

  static final int MAX_PAYLOAD = 65536;

  record Frame(int type, byte[] payload) {
    int u32() {
      return (payload[0] & 0xff) << 24 | (payload[1] & 0xff) << 16 | (payload[2] & 0xff) << 8 | (payload[3] & 0xff);
    }
  }

  private StdioFrames() {}

  /** The next frame, or null at a clean end of the stream (between frames). */
  static Frame read(InputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      return null;
    }
    DataInputStream data = new DataInputStream(in);
    int length;
    try {
      length = data.readInt();
    } catch (EOFException e) {
      throw new EOFException("shim stream ended inside a frame header");
    }
    if (length < 0 || length > MAX_PAYLOAD) {
      throw new IOException("shim sent a frame of " + length + " bytes, more than " + MAX_PAYLOAD);
    }
    byte[] payload = new byte[length];
    data.readFully(payload);
    return new Frame(type, payload);
  }

  /** Writes one frame and flushes; callers serialise writers. */
  static void write(OutputStream out, int type, byte[] payload, int offset, int length) throws IOException {
    byte[] header = {(byte) type, (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    out.write(header);
    out.write(payload, offset, length);
    out.flush();
  }

  static byte[] resize(TerminalSize size) {
    return new byte[] {(byte) (size.width() >>> 8), (byte) size.width(), (byte) (size.height() >>> 8),
        (byte) size.height()};
  }
}
