package dev.skiff.runtime.pod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The files every container of a pod bind-mounts: /etc/hostname, /etc/hosts, /etc/resolv.conf. */
public final class PodFiles {
  private final Path hostResolvConf;

  public PodFiles(Path hostResolvConf) {
    this.hostResolvConf = hostResolvConf;
  }

  public static String hosts(String hostname, String address) {
    StringBuilder text = new StringBuilder()
        .append("127.0.0.1\tlocalhost\n")
        .append("::1\tlocalhost ip6-localhost ip6-loopback\n")
        .append("fe00::0\tip6-localnet\n")
        .append("fe00::0\tip6-mcastprefix\n")
        .append("fe00::1\tip6-allnodes\n")
        .append("fe00::2\tip6-allrouters\n");
    if (address != null && !hostname.isEmpty()) {
      text.append(address).append('\t').append(hostname).append('\n');
    }
    return text.toString();
  }

  public static String resolvConf(DnsConfig dns) {
    StringBuilder text = new StringBuilder();
    if (!dns.searches().isEmpty()) {
      text.append("search ").append(String.join(" ", dns.searches())).append('\n');
    }
    for (String server : dns.servers()) {
      text.append("nameserver ").append(server).append('\n');
    }
    if (!dns.options().isEmpty()) {
      text.append("options ").append(String.join(" ", dns.options())).append('\n');
    }
    return text.toString();
  }

  /** Checks DNS values that end up in resolv.conf, where a newline would smuggle in a directive. */
  public static void check(DnsConfig dns) throws PodSetupException {
    for (var list : java.util.List.of(dns.servers(), dns.searches(), dns.options())) {
      for (String value : list) {
        if (value.isEmpty() || !value.matches("[^\\s#;]+")) {
          throw PodSetupException.invalid("dns_config value '" + value + "' is not a single word");
        }
      }
    }
  }

  void write(Path dir, String hostname, String address, DnsConfig dns) throws IOException {
    Files.write(dir.resolve("hostname"), (hostname + "\n").getBytes(StandardCharsets.UTF_8));
    Files.write(dir.resolve("hosts"), hosts(hostname, address).getBytes(StandardCharsets.UTF_8));
    byte[] resolv = dns == null
        ? (Files.exists(hostResolvConf) ? Files.readAllBytes(hostResolvConf) : new byte[0])
        : resolvConf(dns).getBytes(StandardCharsets.UTF_8);
    Files.write(dir.resolve("resolv.conf"), resolv);
  }
}
