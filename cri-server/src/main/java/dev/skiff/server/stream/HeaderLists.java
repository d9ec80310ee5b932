package dev.skiff.server.stream;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Header values that are lists: every line of the header, split on commas, trimmed. */
final class HeaderLists {
  private HeaderLists() {}

  static List<String> values(HttpHeaders headers, CharSequence name) {
    List<String> values = new ArrayList<>();
    for (String line : headers.getAll(name)) {
      for (String part : line.split(",")) {
        String value = part.trim();
        if (!value.isEmpty()) {
          values.add(value);
        }
      }
    }
    return values;
  }

  static boolean containsToken(HttpHeaders headers, CharSequence name, String token) {
    for (String value : values(headers, name)) {
      if (value.toLowerCase(Locale.ROOT).contains(token)) {
        return true;
      }
    }
    return false;
  }
}
