package dev.skiff.server.config;

/** An IPv4 network in CIDR notation; the address is normalised to the network's first address. */
public record Ipv4Cidr(int network, int prefixLength) {
  public static Ipv4Cidr parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("must be an IPv4 CIDR like 10.88.0.0/16");
    }
    String[] parts = text.split("/", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR like 10.88.0.0/16");
    }
    String[] octets = parts[0].split("\\.", -1);
    if (octets.length != 4) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR like 10.88.0.0/16");
    }
    int address = 0;
    try {
      for (String octet : octets) {
        int value = Integer.parseInt(octet);
        if (value < 0 || value > 255 || octet.isEmpty() || octet.length() > 3) {
          throw new NumberFormatException();
        }
        address = (address << 8) | value;
      }
      int prefix = Integer.parseInt(parts[1]);
      // A pod network needs room for a gateway and at least one pod.
      if (prefix < 8 || prefix > 30) {
        throw new IllegalArgumentException("'" + text + "' must have a prefix length between 8 and 30");
      }
      int mask = (int) (0xffffffffL << (32 - prefix));
      return new Ipv4Cidr(address & mask, prefix);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 CIDR like 10.88.0.0/16");
    }
  }

  @Override
  public String toString() {
    return ((network >>> 24) & 255) + "." + ((network >>> 16) & 255) + "." + ((network >>> 8) & 255) + "."
        + (network & 255) + "/" + prefixLength;
  }
}
