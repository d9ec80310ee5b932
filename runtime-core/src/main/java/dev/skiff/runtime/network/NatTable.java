package dev.skiff.runtime.network;

import java.util.Collection;
import java.util.List;

/**
 * skiff's own nftables table ("ip skiff"): masquerade of pod egress and host ports as
 * DNAT. Host ports are elements of two maps (with and without a host address), so adding
 * and removing a pod's mappings is an element operation, never a rule edit by handle.
 *
 * <p>127.0.0.1:hostPort works through DNAT in the output hook, route_localnet on the
 * bridge (set by {@link Bridge}) and masquerade of loopback-sourced packets leaving on the
 * bridge, since a pod cannot answer 127.0.0.1.
 */
public final class NatTable {
  static final String TABLE = "skiff";

  private final String bridge;

  public NatTable(String bridge) {
    this.bridge = bridge;
  }

  /** (Re)creates the table empty apart from the pod subnets; recovery re-adds live pods' ports. */
  public void create(Collection<Subnet> podSubnets) throws NetworkException {
    StringBuilder subnets = new StringBuilder();
    for (Subnet subnet : podSubnets) {
      subnets.append(subnets.length() == 0 ? "" : ", ").append(subnet);
    }
    String script = "table ip " + TABLE + " {}\n"
        + "delete table ip " + TABLE + "\n"
        + "table ip " + TABLE + " {\n"
        + "  set pod_subnets { type ipv4_addr; flags interval;"
        + (subnets.length() == 0 ? "" : " elements = { " + subnets + " };") + " }\n"
        + "  map hostports { type inet_proto . inet_service : ipv4_addr . inet_service; }\n"
        + "  map hostip_ports { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service; }\n"
        + "  chain prerouting { type nat hook prerouting priority dstnat; policy accept;\n"
        + "    fib daddr type local jump hostports\n  }\n"
        + "  chain output { type nat hook output priority -100; policy accept;\n"
        + "    fib daddr type local jump hostports\n  }\n"
        + "  chain hostports {\n"
        + "    dnat ip to ip daddr . meta l4proto . th dport map @hostip_ports\n"
        + "    dnat ip to meta l4proto . th dport map @hostports\n  }\n"
        + "  chain postrouting { type nat hook postrouting priority srcnat; policy accept;\n"
        + "    ip saddr 127.0.0.0/8 oifname \"" + bridge + "\" masquerade\n"
        + "    iifname \"" + bridge + "\" oifname \"" + bridge + "\" ct status dnat masquerade\n"
        + "    ip saddr @pod_subnets ip daddr != @pod_subnets masquerade\n  }\n"
        + "}\n";
    Commands.checkNft(script);
  }

  public void addSubnet(Subnet subnet) throws NetworkException {
    Commands.checkNft("add element ip " + TABLE + " pod_subnets { " + subnet + " }\n");
  }

  /** Adds the pod's host ports in one transaction; a port already taken fails all of them, naming it. */
  public void addPorts(String podAddress, List<PortMapping> ports) throws NetworkException {
    if (ports.isEmpty()) {
      return;
    }
    StringBuilder script = new StringBuilder();
    for (PortMapping port : ports) {
      script.append("create element ip ").append(TABLE).append(' ').append(element(podAddress, port)).append('\n');
    }
    Commands.Result result = Commands.nft(script.toString());
    if (result.exitCode() != 0) {
      NetworkException.Kind kind = result.output().contains("File exists")
          ? NetworkException.Kind.CONFLICT : NetworkException.Kind.FAILED;
      throw new NetworkException(kind, "cannot map host ports " + describe(ports)
          + (kind == NetworkException.Kind.CONFLICT ? ": a host port is already mapped to another pod" : "")
          + " (" + result.output().lines().findFirst().orElse("") + ")");
    }
  }

  /**
   * Removes the pod's host ports. Each element is added, then deleted: adding the same
   * element first makes the delete succeed when it is already gone, and adding fails (so
   * nothing is deleted) when the port now belongs to another pod. All pairs go in one nft
   * transaction; only if that fails (a port was taken over) does each pair get its own.
   */
  public void removePorts(String podAddress, List<PortMapping> ports) throws NetworkException {
    if (ports.isEmpty()) {
      return;
    }
    StringBuilder all = new StringBuilder();
    for (PortMapping port : ports) {
      all.append(addThenDelete(element(podAddress, port)));
    }
    if (ports.size() == 1 || Commands.nft(all.toString()).exitCode() != 0) {
      for (PortMapping port : ports) {
        Commands.nft(addThenDelete(element(podAddress, port)));
      }
    }
  }

  private static String addThenDelete(String element) {
    return "add element ip " + TABLE + " " + element + "\n" + "delete element ip " + TABLE + " " + element + "\n";
  }

  private static String element(String podAddress, PortMapping port) {
    String key = port.protocol().nftName() + " . " + port.hostPort();
    String value = podAddress + " . " + port.containerPort();
    return port.anyHostIp()
        ? "hostports { " + key + " : " + value + " }"
        : "hostip_ports { " + port.hostIp() + " . " + key + " : " + value + " }";
  }

  private static String describe(List<PortMapping> ports) {
    StringBuilder text = new StringBuilder();
    for (PortMapping port : ports) {
      text.append(text.length() == 0 ? "" : ", ")
          .append(port.anyHostIp() ? "" : port.hostIp() + ":").append(port.hostPort()).append('/')
          .append(port.protocol().nftName());
    }
    return text.toString();
  }
}
