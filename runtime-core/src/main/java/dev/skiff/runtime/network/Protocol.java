package dev.skiff.runtime.network;

/** Transport protocols a host port can forward, spelled as nftables spells them. */
public enum Protocol {
  TCP, UDP, SCTP;

  public String nftName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
