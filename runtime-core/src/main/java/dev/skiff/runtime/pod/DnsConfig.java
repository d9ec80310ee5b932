package dev.skiff.runtime.pod;

import java.util.List;

/** What resolv.conf says: nameservers, search domains and options. */
public record DnsConfig(List<String> servers, List<String> searches, List<String> options) {
  public DnsConfig {
    servers = List.copyOf(servers);
    searches = List.copyOf(searches);
    options = List.copyOf(options);
  }
}
