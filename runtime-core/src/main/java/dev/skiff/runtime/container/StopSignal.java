package dev.skiff.runtime.container;

import java.util.Locale;
import java.util.Map;

/**
 * Signal names as images (StopSignal: "SIGTERM", "TERM", "15", "SIGRTMIN+3") and the CRI
 * (Signal enum names) give them, to Linux x86-64/arm64 signal numbers.
 */
public final class StopSignal {
  public static final int SIGTERM = 15;
  private static final int SIGRTMIN = 34;
  private static final int SIGRTMAX = 64;
  private static final Map<String, Integer> NUMBERS = Map.ofEntries(
      Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5),
      Map.entry("ABRT", 6), Map.entry("IOT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("KILL", 9),
      Map.entry("USR1", 10), Map.entry("SEGV", 11), Map.entry("USR2", 12), Map.entry("PIPE", 13),
      Map.entry("ALRM", 14), Map.entry("TERM", 15), Map.entry("STKFLT", 16), Map.entry("CHLD", 17),
      Map.entry("CLD", 17), Map.entry("CONT", 18), Map.entry("STOP", 19), Map.entry("TSTP", 20),
      Map.entry("TTIN", 21), Map.entry("TTOU", 22), Map.entry("URG", 23), Map.entry("XCPU", 24),
      Map.entry("XFSZ", 25), Map.entry("VTALRM", 26), Map.entry("PROF", 27), Map.entry("WINCH", 28),
      Map.entry("IO", 29), Map.entry("POLL", 29), Map.entry("PWR", 30), Map.entry("SYS", 31));

  private StopSignal() {}

  /** The signal number; null or empty means SIGTERM, an unknown name is an error naming it. */
  public static int parse(String name) throws ContainerException {
    if (name == null || name.isBlank()) {
      return SIGTERM;
    }
    String upper = name.strip().toUpperCase(Locale.ROOT);
    if (upper.matches("[0-9]{1,2}")) {
      int number = Integer.parseInt(upper);
      if (number >= 1 && number <= SIGRTMAX) {
        return number;
      }
      throw ContainerException.invalid("stop signal " + name + " is out of range");
    }
    String bare = upper.startsWith("SIG") ? upper.substring(3) : upper;
    Integer known = NUMBERS.get(bare);
    if (known != null) {
      return known;
    }
    var realtime = java.util.regex.Pattern.compile("RT(MIN|MAX)([+-][0-9]{1,2})?").matcher(bare);
    if (realtime.matches()) {
      int base = realtime.group(1).equals("MIN") ? SIGRTMIN : SIGRTMAX;
      int number = base + (realtime.group(2) == null ? 0 : Integer.parseInt(realtime.group(2)));
      if (number >= SIGRTMIN && number <= SIGRTMAX) {
        return number;
      }
    }
    throw ContainerException.invalid("stop signal '" + name + "' is not a known signal");
  }
}
