package dev.skiff.runtime.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses /proc/net/dev: two header lines, then "name: rx_bytes rx_packets rx_errs rx_drop
 * rx_fifo rx_frame rx_compressed rx_multicast tx_bytes tx_packets tx_errs ...".
 */
final class NetDev {
  private NetDev() {}

  static List<InterfaceCounters> parse(String text) {
    List<InterfaceCounters> interfaces = new ArrayList<>();
    for (String line : text.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0 || line.contains("|")) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      String[] fields = line.substring(colon + 1).trim().split("\\s+");
      if (name.isEmpty() || fields.length < 11) {
        continue;
      }
      interfaces.add(new InterfaceCounters(name, Long.parseLong(fields[0]), Long.parseLong(fields[2]),
          Long.parseLong(fields[8]), Long.parseLong(fields[10])));
    }
    return interfaces;
  }
}
