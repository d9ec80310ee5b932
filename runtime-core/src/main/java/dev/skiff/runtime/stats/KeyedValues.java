package dev.skiff.runtime.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the small files of cgroupfs and procfs: a single number ("12345\n" or "max\n") or
 * "key value" lines (memory.stat, cpu.stat, memory.events). A missing file is not an error
 * (the controller is absent or the cgroup was just removed): the caller gets null.
 */
final class KeyedValues {
  /** What cgroup v1 reports as "no limit": PAGE_COUNTER_MAX pages, rounded down to a page; v2 says "max". */
  static final long V1_UNLIMITED = 1L << 62;

  private KeyedValues() {}

  /** The file's text, or null when it does not exist. */
  static String readOrNull(Path file) throws IOException {
    try {
      return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** The single number in file; null when the file is missing; 0 for "max" or a v1 unlimited value when asked. */
  static Long number(Path file) throws IOException {
    String text = readOrNull(file);
    if (text == null) {
      return null;
    }
    String value = text.trim();
    if (value.equals("max")) {
      return 0L;
    }
    return Long.parseLong(value);
  }

  /** A limit file: 0 when unlimited ("max" in v2, a near-2^63 value in v1). */
  static Long limit(Path file) throws IOException {
    Long value = number(file);
    if (value == null) {
      return null;
    }
    return value >= V1_UNLIMITED ? 0L : value;
  }

  /** Only the wanted keys of a "key value" file; null when the file is missing. */
  static Map<String, Long> pairs(Path file, Set<String> wanted) throws IOException {
    String text = readOrNull(file);
    if (text == null) {
      return null;
    }
    return parsePairs(text, wanted);
  }

  static Map<String, Long> parsePairs(String text, Set<String> wanted) {
    Map<String, Long> values = new HashMap<>();
    int start = 0;
    int length = text.length();
    while (start < length && values.size() < wanted.size()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = length;
      }
      int space = text.indexOf(' ', start);
      if (space > start && space < end) {
        String key = text.substring(start, space);
        if (wanted.contains(key)) {
          values.put(key, Long.parseLong(text.substring(space + 1, end).trim()));
        }
      }
      start = end + 1;
    }
    return values;
  }
}
