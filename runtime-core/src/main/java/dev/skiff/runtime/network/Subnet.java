package dev.skiff.runtime.network;

/** An IPv4 subnet: the pod network. Its first host address is the bridge's (the pods' gateway). */
public record Subnet(int network, int prefixLength) {
  public Subnet {
    if (prefixLength < 8 || prefixLength > 30) {
      throw new IllegalArgumentException("pod subnet prefix length " + prefixLength + " is not between 8 and 30");
    }
    network &= mask(prefixLength);
  }

  public static Subnet parse(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("'" + cidr + "' is not an IPv4 CIDR");
    }
    return new Subnet(parseAddress(cidr.substring(0, slash)), Integer.parseInt(cidr.substring(slash + 1)));
  }

  public static int parseAddress(String text) {
    String[] octets = text.split("\\.", -1);
    if (octets.length != 4) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
    }
    int address = 0;
    for (String octet : octets) {
      int value = Integer.parseInt(octet);
      if (value < 0 || value > 255) {
        throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
      }
      address = (address << 8) | value;
    }
    return address;
  }

  public static String format(int address) {
    return ((address >>> 24) & 255) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255) + "."
        + (address & 255);
  }

  private static int mask(int prefixLength) {
    return (int) (0xffffffffL << (32 - prefixLength));
  }

  public int gateway() {
    return network + 1;
  }

  public int broadcast() {
    return network | ~mask(prefixLength);
  }

  /** Host addresses pods may get: all but network, gateway and broadcast. */
  public int firstPodAddress() {
    return network + 2;
  }

  public int lastPodAddress() {
    return broadcast() - 1;
  }

  public boolean contains(int address) {
    return (address & mask(prefixLength)) == network;
  }

  /** "10.88.0.5/16": an address of this subnet with the prefix length. */
  public String withPrefix(int address) {
    return format(address) + "/" + prefixLength;
  }

  @Override
  public String toString() {
    return format(network) + "/" + prefixLength;
  }
}
