package dev.skiff.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The C log writer, run through the shim's log-pipe mode. */
class ShimLogWriterTest {
  private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");

  @TempDir Path dir;

  private List<String> run(String input, int maxLine) throws Exception {
    Path log = dir.resolve("c.log");
    Process p = new ProcessBuilder(ShimBinary.locate().toString(), "log-pipe", "--log", log.toString(), "--stream",
        "stderr", "--max-line", Integer.toString(maxLine)).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(input.getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(0, p.waitFor());
    return Files.readAllLines(log);
  }

  @Test
  void linesAreTaggedFullOrPartial() throws Exception {
    List<String> lines = run("hello\n0123456789abc\n\nlast", 8);
    for (String line : lines) {
      assertTrue(TIMESTAMP.matcher(line.substring(0, line.indexOf(' '))).matches(), line);
    }
    List<String> records = lines.stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList();
    assertEquals(List.of("stderr F hello", "stderr P 01234567", "stderr F 89abc", "stderr F ", "stderr P last"),
        records);
  }

  @Test
  void lineOfExactlyTheLimitIsFull() throws Exception {
    List<String> lines = run("12345678\n", 8);
    assertEquals(1, lines.size());
    assertTrue(lines.get(0).endsWith(" stderr F 12345678"), lines.get(0));
  }
}
