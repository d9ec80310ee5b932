package dev.skiff.image.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes tar blocks by hand, for what commons-compress cannot write: PAX records with
 * binary values (its writer takes Strings), global PAX headers, GNU long names next to PAX.
 */
public final class RawTar {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A PAX header of the given type ('x' for the next entry, 'g' global) carrying these raw records. */
  public RawTar pax(char type, Map<String, byte[]> records) {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    records.forEach((key, value) -> data.writeBytes(record(key, value)));
    return entry("PaxHeaders/x", type, data.toByteArray(), 0644);
  }

  public RawTar gnuLongName(String name) {
    byte[] bytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
    return entry("././@LongLink", 'L', bytes, 0644);
  }

  public RawTar file(String name, byte[] content) {
    return entry(name, '0', content, 0644);
  }

  public RawTar dir(String name) {
    return entry(name.endsWith("/") ? name : name + "/", '5', new byte[0], 0755);
  }

  public RawTar symlink(String name, String target) {
    byte[] header = header(name, '2', 0, 0777);
    byte[] link = target.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(link, 0, header, 157, Math.min(100, link.length));
    checksum(header);
    out.writeBytes(header);
    return this;
  }

  public RawTar entry(String name, char type, byte[] content, int mode) {
    out.writeBytes(checksum(header(name, type, content.length, mode)));
    out.writeBytes(content);
    int padding = (512 - content.length % 512) % 512;
    out.writeBytes(new byte[padding]);
    return this;
  }

  public byte[] build() {
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  /** One PAX record: its length counts the bytes of the whole record, its own digits included. */
  public static byte[] record(String key, byte[] value) {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    int rest = 1 + keyBytes.length + 1 + value.length + 1;
    int length = rest + String.valueOf(rest).length();
    if (String.valueOf(length).length() != String.valueOf(rest).length()) {
      length++;
    }
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.writeBytes((length + " " + key + "=").getBytes(StandardCharsets.UTF_8));
    record.writeBytes(value);
    record.write('\n');
    return record.toByteArray();
  }

  private static byte[] header(String name, char type, long size, int mode) {
    byte[] header = new byte[512];
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(nameBytes, 0, header, 0, Math.min(100, nameBytes.length));
    octal(header, 100, 8, mode);
    octal(header, 108, 8, 0);
    octal(header, 116, 8, 0);
    octal(header, 124, 12, size);
    octal(header, 136, 12, 1_600_000_000L);
    header[156] = (byte) type;
    System.arraycopy("ustar\00000".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 8);
    return header;
  }

  private static byte[] checksum(byte[] header) {
    Arrays.fill(header, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    byte[] digits = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digits, 0, header, 148, 8);
    return header;
  }

  private static void octal(byte[] header, int offset, int length, long value) {
    byte[] digits = String.format("%0" + (length - 1) + "o", value).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digits, 0, header, offset, length - 1);
    header[offset + length - 1] = 0;
  }
}
