package dev.skiff.image.unpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.skiff.image.testing.RawTar;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tap must stay in step with commons-compress over every block layout: generated
 * archives mix files of every size around the 512-byte boundary, directories, symlinks,
 * GNU long names, PAX path and size records, global headers, and binary xattr values;
 * every file must end up with exactly the xattrs its headers gave it.
 */
class RawXattrTapTest {
  @TempDir
  Path temp;

  @Test
  void generatedArchivesKeepEveryXattrOnItsOwnEntry() throws IOException {
    Random random = new Random(20261125L);
    for (int round = 0; round < 60; round++) {
      Path root = Files.createDirectory(temp.resolve("r" + round));
      RawTar tar = new RawTar();
      Map<String, Map<String, byte[]>> expected = new LinkedHashMap<>();
      Map<String, byte[]> global = new HashMap<>();
      int entries = 1 + random.nextInt(12);
      for (int i = 0; i < entries; i++) {
        switch (random.nextInt(4)) {
          case 0 -> tar.dir("d" + i);
          case 1 -> tar.symlink("l" + i, "../../../x" + i);
          case 2 -> {
            byte[] value = bytes(random, 1 + random.nextInt(40));
            global.put("trusted.skiff-g", value);
            tar.pax('g', Map.of("SCHILY.xattr.trusted.skiff-g", value));
          }
          default -> {
            String name = random.nextBoolean() ? "f" + i : "long-" + i + "-" + "n".repeat(100 + random.nextInt(80));
            Map<String, byte[]> local = new LinkedHashMap<>();
            Map<String, byte[]> records = new LinkedHashMap<>();
            for (int x = random.nextInt(3); x > 0; x--) {
              byte[] value = bytes(random, 1 + random.nextInt(300));
              local.put("user.x" + x, value);
              records.put("SCHILY.xattr.user.x" + x, value);
            }
            String headerName = name;
            if (name.length() > 100) {
              if (random.nextBoolean()) {
                tar.gnuLongName(name);
              } else {
                records.put("path", name.getBytes(StandardCharsets.UTF_8));
              }
              headerName = name.substring(0, 90);
            }
            if (!records.isEmpty()) {
              tar.pax('x', records);
            }
            int size = switch (random.nextInt(4)) {
              case 0 -> 0;
              case 1 -> 512;
              case 2 -> 511 + random.nextInt(3);
              default -> random.nextInt(3000);
            };
            tar.file(headerName, bytes(random, size));
            Map<String, byte[]> all = new HashMap<>(global);
            all.putAll(local);
            expected.put(name, all);
          }
        }
      }
      // commons-compress wants an entry after the last global header.
      tar.file("last", new byte[0]);
      expected.put("last", new HashMap<>(global));
      LayerUnpacker.unpack(new ByteArrayInputStream(tar.build()), root);
      for (Map.Entry<String, Map<String, byte[]>> file : expected.entrySet()) {
        Path path = root.resolve(file.getKey());
        for (String name : new String[] {"trusted.skiff-g", "user.x1", "user.x2"}) {
          byte[] want = file.getValue().get(name);
          byte[] got = FileSystemCalls.lgetxattr(path, name);
          if (want == null) {
            assertNull(got, "round " + round + " " + file.getKey() + " " + name);
          } else {
            assertArrayEquals(want, got, "round " + round + " " + file.getKey() + " " + name);
          }
        }
      }
      assertEquals(expected.size(), expected.keySet().stream().filter(n -> Files.exists(root.resolve(n))).count());
    }
  }

  @Test
  void sizesInOctalAndBase256AreRead() {
    byte[] header = new byte[512];
    System.arraycopy("00000001750\0".getBytes(StandardCharsets.US_ASCII), 0, header, 124, 12);
    assertEquals(01750, RawXattrTap.headerSize(header));
    java.util.Arrays.fill(header, 124, 136, (byte) 0);
    header[124] = (byte) 0x80;
    header[133] = 0x02;
    header[135] = 0x01;
    assertEquals((2L << 16) | 1, RawXattrTap.headerSize(header));
    header[124] = (byte) 0xff;
    assertEquals(-1, RawXattrTap.headerSize(header), "negative base-256 sizes are not followed");
  }

  @Test
  void paxRecordLengthsCountBytesSoValuesMayHoldNewlinesAndNuls() {
    byte[] value = {'a', '\n', 0, (byte) 0xff, '='};
    byte[] data = RawTar.record("SCHILY.xattr.user.v", value);
    assertArrayEquals(value, RawXattrTap.parseRecords(data).get("SCHILY.xattr.user.v"));
    assertNull(RawXattrTap.parseRecords("99 key=value\n".getBytes(StandardCharsets.UTF_8)), "a length past the end");
    assertNull(RawXattrTap.parseRecords("5 k=v\n".getBytes(StandardCharsets.UTF_8)), "a length short of the record");
  }

  private static byte[] bytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  @Test
  void aHugePaxHeaderOrLongNameIsRefusedBeforeCommonsCompressReadsItIntoMemory() {
    for (char type : new char[] {'x', 'g', 'L', 'K'}) {
      byte[] tar = new RawTar().entry("PaxHeaders/huge", type, new byte[0], 0644).build();
      // Declare 1 GiB without carrying it: the header alone must be refused.
      byte[] size = String.format("%011o", 1L << 30).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(size, 0, tar, 124, 11);
      java.util.Arrays.fill(tar, 148, 156, (byte) ' ');
      long sum = 0;
      for (int i = 0; i < 512; i++) {
        sum += tar[i] & 0xff;
      }
      System.arraycopy(String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII), 0, tar, 148, 8);
      dev.skiff.image.ImageStoreException e = org.junit.jupiter.api.Assertions.assertThrows(
          dev.skiff.image.ImageStoreException.class,
          () -> LayerUnpacker.unpack(new ByteArrayInputStream(tar), Files.createTempDirectory(temp, "huge")));
      assertEquals(dev.skiff.image.ImageStoreException.Kind.BAD_CONTENT, e.kind());
      org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("more than the 16 MiB"), e.getMessage());
    }
  }
}
