package dev.skiff.runtime.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reads a tar back for assertions: entry name to entry, and the text of small files. */
final class TarEntries {
  final Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
  final Map<String, byte[]> contents = new LinkedHashMap<>();

  static TarEntries read(Path tar) throws IOException {
    try (InputStream in = Files.newInputStream(tar)) {
      return read(in);
    }
  }

  static TarEntries read(InputStream in) throws IOException {
    TarEntries read = new TarEntries();
    TarArchiveInputStream tar = new TarArchiveInputStream(in);
    TarArchiveEntry entry;
    while ((entry = tar.getNextEntry()) != null) {
      read.entries.put(entry.getName(), entry);
      if (entry.isFile()) {
        read.contents.put(entry.getName(), tar.readAllBytes());
      }
    }
    return read;
  }

  String text(String name) {
    byte[] bytes = contents.get(name);
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
}
