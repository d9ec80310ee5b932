package dev.skiff.image.unpack;

import dev.skiff.image.ImageStoreException;
import dev.skiff.image.content.ObservedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sits under commons-compress and follows the tar block structure of the bytes it passes
 * on, to keep PAX {@code SCHILY.xattr.*} values as raw bytes. commons-compress decodes every
 * PAX value as a UTF-8 String, which corrupts binary xattrs such as
 * {@code security.capability}; the PAX record length is in bytes, so parsing the records
 * here is binary-safe.
 *
 * <p>Blocks: a 512-byte header (size in octal or base-256), then the data padded to 512.
 * Headers 'x'/'X' (PAX for the next entry), 'g' (global PAX), 'L'/'K' (GNU long name/link)
 * belong to the next real entry; any other header is a real entry, counted in the order
 * commons-compress returns them. Directories carry no data, as commons-compress reads
 * them. An old-GNU sparse header may be followed by extension blocks. The first all-zero
 * header ends the archive. The unpacker checks each entry's count and name against what
 * this tap saw; when they disagree the tap's values are not used (see {@link #current}).
 */
final class RawXattrTap extends ObservedInputStream {
  static final String XATTR_PREFIX = "SCHILY.xattr.";
  private static final int BLOCK = 512;
  private static final int MAX_PAX_BYTES = 16 * 1024 * 1024;

  /** What the tap saw for one real entry: its name, and its xattrs with raw values (null when unknown). */
  record Seen(long index, String name, Map<String, byte[]> xattrs) {}

  private enum State { HEADER, SPARSE_EXTENSION, DATA, END, LOST }

  private State state = State.HEADER;
  private final byte[] block = new byte[BLOCK];
  private int blockFill;
  private long dataLeft;
  private long pendingSparseData;
  private long paddingLeft;
  private ByteArrayOutputStream capture;
  private byte captureType;
  private boolean nextDataIsLongName;
  private byte[] longName;
  private final Map<String, byte[]> globalRecords = new HashMap<>();
  private Map<String, byte[]> localRecords = new LinkedHashMap<>();
  private boolean localUnreadable;
  private long realEntries;
  private Seen current;

  RawXattrTap(InputStream in) {
    super(in);
  }

  /** The latest real entry's header as seen here, or null when the tap lost track of the stream. */
  Seen current() {
    return state == State.LOST ? null : current;
  }

  @Override
  protected void observe(byte[] bytes, int offset, int length) {
    follow(bytes, offset, length);
  }

  private void follow(byte[] bytes, int offset, int length) {
    int at = offset;
    int end = offset + length;
    while (at < end) {
      switch (state) {
        case END, LOST -> {
          return;
        }
        case HEADER, SPARSE_EXTENSION -> {
          int take = Math.min(BLOCK - blockFill, end - at);
          System.arraycopy(bytes, at, block, blockFill, take);
          blockFill += take;
          at += take;
          if (blockFill == BLOCK) {
            blockFill = 0;
            if (state == State.HEADER) {
              onHeader();
            } else {
              onSparseExtension();
            }
          }
        }
        case DATA -> {
          if (dataLeft > 0) {
            int take = (int) Math.min(dataLeft, end - at);
            if (capture != null) {
              capture.write(bytes, at, take);
            }
            dataLeft -= take;
            at += take;
            if (dataLeft == 0) {
              onDataDone();
            }
          } else {
            int take = (int) Math.min(paddingLeft, end - at);
            paddingLeft -= take;
            at += take;
          }
          if (dataLeft == 0 && paddingLeft == 0) {
            state = State.HEADER;
          }
        }
        default -> throw new IllegalStateException(state.toString());
      }
    }
  }

  private void onHeader() {
    if (isZero(block)) {
      state = State.END;
      return;
    }
    long size = headerSize(block);
    if (size < 0) {
      state = State.LOST;
      return;
    }
    byte type = block[156];
    switch (type) {
      case 'x', 'X', 'g' -> {
        refuseOversized(type, size);
        captureType = type;
        capture = new ByteArrayOutputStream((int) size);
        startData(size);
      }
      case 'L' -> {
        refuseOversized(type, size);
        nextDataIsLongName = true;
        captureType = type;
        capture = new ByteArrayOutputStream((int) size);
        startData(size);
      }
      case 'K' -> {
        refuseOversized(type, size);
        startData(size);
      }
      default -> onRealEntry(type, size);
    }
  }

  /**
   * commons-compress reads PAX headers and GNU long names whole into memory: a layer
   * declaring a huge one would exhaust skiffd's heap, so it is refused before it is read.
   */
  private static void refuseOversized(byte type, long size) {
    if (size > MAX_PAX_BYTES) {
      throw ImageStoreException.badContent("layer has a tar header of type '" + (char) type + "' (PAX or GNU long name) of "
          + size + " bytes, more than the 16 MiB allowed");
    }
  }

  private void onRealEntry(byte type, long headerSize) {
    Map<String, byte[]> effective = new HashMap<>(globalRecords);
    localRecords.forEach((key, value) -> {
      if (value.length == 0) {
        effective.remove(key);
      } else {
        effective.put(key, value);
      }
    });
    String name = effective.containsKey("path") ? utf8(effective.get("path"))
        : longName != null ? utf8(trimNuls(longName)) : ustarName(block);
    Map<String, byte[]> xattrs = new LinkedHashMap<>();
    effective.forEach((key, value) -> {
      if (key.startsWith(XATTR_PREFIX)) {
        xattrs.put(key.substring(XATTR_PREFIX.length()), value);
      }
    });
    long size = headerSize;
    if (effective.containsKey("size")) {
      try {
        size = Long.parseLong(utf8(effective.get("size")));
      } catch (NumberFormatException e) {
        size = -1;
      }
    }
    current = new Seen(realEntries++, name, localUnreadable ? null : xattrs);
    localRecords = new LinkedHashMap<>();
    localUnreadable = false;
    longName = null;
    if (size < 0) {
      state = State.LOST;
      return;
    }
    boolean directory = type == '5' || name.endsWith("/");
    if (type == 'S' && block[482] != 0) {
      pendingSparseData = size;
      state = State.SPARSE_EXTENSION;
      return;
    }
    startData(directory ? 0 : size);
  }

  private void onSparseExtension() {
    if (block[504] == 0) {
      startData(pendingSparseData);
    }
  }

  private void startData(long size) {
    dataLeft = size;
    paddingLeft = (BLOCK - size % BLOCK) % BLOCK;
    if (size == 0) {
      onDataDone();
      state = State.HEADER;
    } else {
      state = State.DATA;
    }
  }

  private void onDataDone() {
    if (capture == null) {
      return;
    }
    byte[] data = capture.toByteArray();
    capture = null;
    if (nextDataIsLongName) {
      nextDataIsLongName = false;
      longName = data;
      return;
    }
    Map<String, byte[]> records = parseRecords(data);
    if (captureType == 'g') {
      if (records == null) {
        // A global header no one can read; every later entry's values are unknown.
        state = State.LOST;
        return;
      }
      records.forEach((key, value) -> {
        if (value.length == 0) {
          globalRecords.remove(key);
        } else {
          globalRecords.put(key, value);
        }
      });
    } else if (records == null) {
      localUnreadable = true;
    } else {
      localRecords.putAll(records);
    }
  }

  /** PAX records, "LEN KEY=VALUE\n" with LEN counting bytes of the whole record; null when malformed. */
  static Map<String, byte[]> parseRecords(byte[] data) {
    Map<String, byte[]> records = new LinkedHashMap<>();
    int at = 0;
    while (at < data.length) {
      if (data[at] == 0) {
        // Some writers pad the block with NULs after the last record.
        break;
      }
      int space = at;
      long length = 0;
      while (space < data.length && data[space] >= '0' && data[space] <= '9' && length < Integer.MAX_VALUE) {
        length = length * 10 + (data[space] - '0');
        space++;
      }
      if (space == at || space >= data.length || data[space] != ' ' || length <= space - at + 1
          || at + length > data.length || data[(int) (at + length - 1)] != '\n') {
        return null;
      }
      int recordEnd = (int) (at + length - 1);
      int equals = space + 1;
      while (equals < recordEnd && data[equals] != '=') {
        equals++;
      }
      if (equals >= recordEnd) {
        return null;
      }
      String key = new String(data, space + 1, equals - space - 1, StandardCharsets.UTF_8);
      records.put(key, Arrays.copyOfRange(data, equals + 1, recordEnd));
      at = recordEnd + 1;
    }
    return records;
  }

  /** The size field: octal digits, or base-256 when the high bit of the first byte is set; -1 when invalid. */
  static long headerSize(byte[] header) {
    int offset = 124;
    int length = 12;
    if ((header[offset] & 0x80) != 0) {
      if ((header[offset] & 0xff) != 0x80) {
        return -1;
      }
      long value = 0;
      for (int i = offset + 1; i < offset + length; i++) {
        if (value >>> 55 != 0) {
          return -1;
        }
        value = (value << 8) | (header[i] & 0xff);
      }
      return value;
    }
    int i = offset;
    int end = offset + length;
    while (i < end && (header[i] == ' ' || header[i] == 0)) {
      i++;
    }
    long value = 0;
    int digits = 0;
    while (i < end && header[i] >= '0' && header[i] <= '7') {
      value = value * 8 + (header[i] - '0');
      i++;
      digits++;
    }
    while (i < end && (header[i] == ' ' || header[i] == 0)) {
      i++;
    }
    return i == end ? value : digits == 0 ? 0 : -1;
  }

  private static String ustarName(byte[] header) {
    String name = utf8(field(header, 0, 100));
    boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
        && header[261] == 'r';
    if (ustar) {
      // POSIX ustar has a 155-byte prefix; GNU's "ustar  " format uses that space for times instead.
      boolean posix = header[262] == 0;
      if (posix) {
        String prefix = utf8(field(header, 345, 155));
        if (!prefix.isEmpty()) {
          return prefix + "/" + name;
        }
      }
    }
    return name;
  }

  private static byte[] field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return Arrays.copyOfRange(header, offset, end);
  }

  private static byte[] trimNuls(byte[] bytes) {
    int length = bytes.length;
    while (length > 0 && bytes[length - 1] == 0) {
      length--;
    }
    return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static boolean isZero(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
