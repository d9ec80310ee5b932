package dev.skiff.image.unpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.image.ImageStoreException;
import dev.skiff.image.testing.RawTar;
import dev.skiff.image.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnpackBudgetTest {
  private static final long MIB = 1024 * 1024;

  @TempDir
  Path temp;

  private void unpackWithin(byte[] compressedOrTar, UnpackBudget.Limits limits, Path root) throws IOException {
    UnpackBudget budget = new UnpackBudget(Decompression.open(new ByteArrayInputStream(compressedOrTar)), limits, root);
    LayerUnpacker.unpack(budget, root, budget::chargeWritten);
  }

  @Test
  void aGzipBombStopsAtTheCap() throws IOException {
    byte[] bomb = TarBuilder.gzip(new TarBuilder().file("zeros", new byte[(int) (32 * MIB)], 0644, 0, 0, Map.of())
        .build());
    assertTrue(bomb.length < MIB, "a bomb: " + bomb.length + " compressed bytes");
    Path root = Files.createDirectory(temp.resolve("bomb"));
    ImageStoreException e = assertThrows(ImageStoreException.class,
        () -> unpackWithin(bomb, new UnpackBudget.Limits(4 * MIB, 0), root));
    assertEquals(ImageStoreException.Kind.RESOURCE_EXHAUSTED, e.kind());
    assertTrue(e.getMessage().contains("max_layer_unpacked_bytes"), e.getMessage());
    assertTrue(Files.size(root.resolve("zeros")) <= 4 * MIB);
  }

  @Test
  void aSparseEntryIsChargedForWhatItExpandsTo() throws IOException {
    // PAX 0.1 sparse: 64 MiB of which the archive carries one byte at the end.
    byte[] sparse = new RawTar()
        .pax('x', Map.of("GNU.sparse.size", bytes(String.valueOf(64 * MIB)), "GNU.sparse.map",
            bytes((64 * MIB - 1) + ",1")))
        .file("sparse", new byte[] {7})
        .build();
    Path expanded = Files.createDirectory(temp.resolve("expanded"));
    unpackWithin(sparse, UnpackBudget.Limits.NONE, expanded);
    assertEquals(64 * MIB, Files.size(expanded.resolve("sparse")), "commons-compress expands sparse entries");

    Path capped = Files.createDirectory(temp.resolve("capped"));
    ImageStoreException e = assertThrows(ImageStoreException.class,
        () -> unpackWithin(sparse, new UnpackBudget.Limits(4 * MIB, 0), capped));
    assertEquals(ImageStoreException.Kind.RESOURCE_EXHAUSTED, e.kind());
    assertTrue(e.getMessage().contains("files add up to more than"), e.getMessage());
  }

  @Test
  void theReserveIsCheckedBeforeTheFirstByte() throws IOException {
    long total = Files.getFileStore(temp).getTotalSpace();
    ImageStoreException e = assertThrows(ImageStoreException.class, () -> new UnpackBudget(
        new GZIPInputStream(new ByteArrayInputStream(TarBuilder.gzip(new byte[0]))),
        new UnpackBudget.Limits(Long.MAX_VALUE, total + 1), temp));
    assertEquals(ImageStoreException.Kind.RESOURCE_EXHAUSTED, e.kind());
    assertTrue(e.getMessage().contains("free_space_reserve_bytes"), e.getMessage());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
