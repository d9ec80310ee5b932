package dev.skiff.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP literals in config values: never a host name, so nothing is ever resolved. */
final class IpLiterals {
  private IpLiterals() {}

  static boolean isIpLiteral(String text) {
    if (text.startsWith("[")) {
      return false;
    }
    if (text.contains(":")) {
      // With a colon, InetAddress only parses an IPv6 literal; it never resolves a name.
      try {
        InetAddress.getByName("[" + text + "]");
        return true;
      } catch (UnknownHostException e) {
        return false;
      }
    }
    String[] octets = text.split("\\.", -1);
    if (octets.length != 4) {
      return false;
    }
    for (String octet : octets) {
      if (!octet.matches("[0-9]{1,3}") || Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return true;
  }
}
