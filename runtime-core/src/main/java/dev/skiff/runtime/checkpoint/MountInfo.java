package dev.skiff.runtime.checkpoint;

import java.util.ArrayList;
import java.util.List;

/** One line of /proc/PID/mountinfo: where a mount is (as the process sees it) and what it is. */
record MountInfo(String mountPoint, String fsType, String source) {

  /** Parses mountinfo text; lines it cannot read are skipped (the kernel's format is stable). */
  static List<MountInfo> parse(String text) {
    List<MountInfo> mounts = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] fields = line.trim().split(" ");
      int dash = indexOfSeparator(fields);
      if (fields.length < 5 || dash < 0 || dash + 2 >= fields.length) {
        continue;
      }
      mounts.add(new MountInfo(unescape(fields[4]), fields[dash + 1], unescape(fields[dash + 2])));
    }
    return mounts;
  }

  private static int indexOfSeparator(String[] fields) {
    for (int i = 6; i < fields.length; i++) {
      if (fields[i].equals("-")) {
        return i;
      }
    }
    return -1;
  }

  /** The kernel writes space, tab, newline and backslash as three octal digits (\040). */
  static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
