package dev.skiff.runtime.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds criu and asks it whether it can work here: {@code criu --version} (3.16 or newer, as
 * CRI-O and containerd require for containers in pods) and {@code criu check} (the kernel's
 * features, and whether criu understands this kernel's vDSO layout). A usable answer is kept;
 * anything else is probed again at the next checkpoint, so installing criu needs no restart.
 */
public final class CriuProbe {
  /** 3.16: the first CRIU that restores into an existing (external) PID namespace. */
  public static final int MINIMUM_VERSION = 31600;
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern VERSION = Pattern.compile("Version:\\s*(\\d+)\\.(\\d+)(?:\\.(\\d+))?");
  private static final List<Path> SYSTEM_DIRS =
      List.of(Path.of("/usr/local/sbin"), Path.of("/usr/local/bin"), Path.of("/usr/sbin"), Path.of("/usr/bin"),
          Path.of("/sbin"), Path.of("/bin"));

  private final String configured;
  private volatile CriuSupport usable;

  /** @param configured an absolute path, or a name looked up on PATH and the system directories */
  public CriuProbe(String configured) {
    this.configured = configured;
  }

  public CriuSupport support() {
    CriuSupport known = usable;
    if (known != null) {
      return known;
    }
    CriuSupport probed = probe();
    if (probed.isUsable()) {
      usable = probed;
    }
    return probed;
  }

  private CriuSupport probe() {
    Path binary = locate();
    if (binary == null) {
      return CriuSupport.unusable(null, null, "criu is not installed: no executable '" + configured + "'"
          + (configured.contains("/") ? "" : " on PATH or in /usr/sbin") + " (install the criu package; "
          + "checkpoints need CRIU " + versionText(MINIMUM_VERSION) + " or newer)");
    }
    try {
      CriuCommand.Result version = CriuCommand.run(List.of(binary.toString(), "--version"), PROBE_TIMEOUT);
      int number = parseVersion(version.output());
      if (version.exitCode() != 0 || number < 0) {
        return CriuSupport.unusable(binary, null, "criu at " + binary + " does not answer --version: "
            + lastLines(version.output(), 3));
      }
      String shown = versionText(number);
      if (number < MINIMUM_VERSION) {
        return CriuSupport.unusable(binary, shown, "criu " + shown + " at " + binary + " is too old: checkpoints need "
            + "CRIU " + versionText(MINIMUM_VERSION) + " or newer");
      }
      CriuCommand.Result check = CriuCommand.run(List.of(binary.toString(), "check"), PROBE_TIMEOUT);
      if (check.exitCode() != 0) {
        return CriuSupport.unusable(binary, shown, "criu " + shown + " cannot checkpoint on this kernel ("
            + kernelRelease() + "): 'criu check' failed: " + errorLines(check.output()));
      }
      return CriuSupport.usable(binary, shown);
    } catch (IOException e) {
      return CriuSupport.unusable(binary, null, "criu at " + binary + " cannot be run: " + e.getMessage());
    }
  }

  private Path locate() {
    if (configured.contains("/")) {
      Path path = Path.of(configured);
      return Files.isRegularFile(path) && Files.isExecutable(path) ? path : null;
    }
    List<Path> dirs = new ArrayList<>();
    String pathVariable = System.getenv("PATH");
    if (pathVariable != null) {
      for (String dir : pathVariable.split(":")) {
        if (!dir.isEmpty()) {
          dirs.add(Path.of(dir));
        }
      }
    }
    dirs.addAll(SYSTEM_DIRS);
    for (Path dir : dirs) {
      Path candidate = dir.resolve(configured);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** "Version: 3.17.1" as 31701 (criu's own numbering), -1 when absent. */
  static int parseVersion(String output) {
    Matcher m = VERSION.matcher(output);
    if (!m.find()) {
      return -1;
    }
    int sub = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    return Integer.parseInt(m.group(1)) * 10000 + Integer.parseInt(m.group(2)) * 100 + sub;
  }

  static String versionText(int number) {
    return (number / 10000) + "." + (number / 100 % 100) + "." + (number % 100);
  }

  /** criu's "Error (file:line): ..." lines, else its last lines; one line, for an error message. */
  static String errorLines(String output) {
    List<String> errors = output.lines().filter(l -> l.contains("Error") || l.contains("error"))
        .map(String::strip).distinct().limit(4).toList();
    return errors.isEmpty() ? lastLines(output, 4) : String.join("; ", errors);
  }

  static String lastLines(String output, int count) {
    List<String> lines = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    return String.join("; ", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }

  private static String kernelRelease() {
    try {
      return "Linux " + Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
    } catch (IOException e) {
      return "Linux " + System.getProperty("os.version");
    }
  }
}
