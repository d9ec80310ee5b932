package dev.skiff.server.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.runtime.stream.TerminalSize;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Splits the resize stream, a sequence of JSON objects {@code {"Width":W,"Height":H}} that may
 * arrive in any chunking, into terminal sizes. Field names match case-insensitively (Go's
 * decoder does); sizes with a zero or out-of-range side are dropped, as containerd drops them;
 * anything that is not a JSON object ends the stream.
 */
final class ResizeDecoder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_OBJECT_BYTES = 4096;

  private final Consumer<TerminalSize> sink;
  private final ByteArrayOutputStream current = new ByteArrayOutputStream();
  private int depth;
  private boolean inString;
  private boolean escaped;
  private boolean broken;

  ResizeDecoder(Consumer<TerminalSize> sink) {
    this.sink = sink;
  }

  /** @return false once the stream turned out malformed; later input is ignored */
  boolean feed(byte[] bytes) {
    for (byte b : bytes) {
      if (broken) {
        return false;
      }
      feed(b);
    }
    return !broken;
  }

  private void feed(byte b) {
    if (depth == 0) {
      if (b == '{') {
        depth = 1;
        current.reset();
        current.write(b);
      } else if (!Character.isWhitespace(b)) {
        broken = true;
      }
      return;
    }
    current.write(b);
    if (current.size() > MAX_OBJECT_BYTES) {
      broken = true;
      return;
    }
    if (inString) {
      if (escaped) {
        escaped = false;
      } else if (b == '\\') {
        escaped = true;
      } else if (b == '"') {
        inString = false;
      }
    } else if (b == '"') {
      inString = true;
    } else if (b == '{') {
      depth++;
    } else if (b == '}' && --depth == 0) {
      emit(current.toByteArray());
    }
  }

  private void emit(byte[] object) {
    try {
      JsonNode node = JSON.readTree(object);
      int width = -1;
      int height = -1;
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (field.getKey().equalsIgnoreCase("width") && field.getValue().canConvertToInt()) {
          width = field.getValue().asInt();
        } else if (field.getKey().equalsIgnoreCase("height") && field.getValue().canConvertToInt()) {
          height = field.getValue().asInt();
        }
      }
      if (width >= 1 && width <= 65535 && height >= 1 && height <= 65535) {
        sink.accept(new TerminalSize(width, height));
      }
    } catch (IOException e) {
      broken = true;
    }
  }
}
