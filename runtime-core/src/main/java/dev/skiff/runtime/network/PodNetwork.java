package dev.skiff.runtime.network;

import dev.skiff.runtime.linux.NamespaceThread;
import dev.skiff.runtime.linux.Namespaces;
import dev.skiff.runtime.linux.NetworkInterfaces;
import dev.skiff.runtime.linux.KernelException;
import dev.skiff.runtime.linux.RtNetlink;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in pod network: a bridge, one veth pair per pod (host end on the bridge, the
 * pod end "eth0" in the pod's network namespace), addresses from {@link Ipam}, and NAT and
 * host ports in {@link NatTable}. Per-pod links, addresses and routes go through rtnetlink
 * ({@link RtNetlink}) instead of two forks of {@code ip} per pod (bin/bench-pods: RunPodSandbox
 * median 33 -> 18 ms); nftables goes through libnftables (see {@link NatTable}). Only the
 * bridge, once at start, forks {@code ip -batch}.
 */
public final class PodNetwork {
  private static final Logger LOG = LoggerFactory.getLogger(PodNetwork.class);

  /** What a pod got: its address with prefix length ("10.88.0.5/16") and the host end of its veth. */
  public record Attachment(String ip, String hostVeth) {}

  private final Bridge bridge;
  private final NatTable nat;
  private final Ipam ipam;
  private final NamespaceThread thread;
  private final Set<Subnet> subnets = new LinkedHashSet<>();
  private volatile boolean ready;
  private volatile String notReadyReason = "the pod network is not set up yet";

  public PodNetwork(String bridgeName, Ipam ipam, NamespaceThread thread) {
    this.bridge = new Bridge(bridgeName);
    this.nat = new NatTable(bridgeName);
    this.ipam = ipam;
    this.thread = thread;
  }

  /** Sets up the bridge and the NAT table at start; known are the subnets live pods use. */
  public synchronized void start(Subnet current, Collection<Subnet> known) throws NetworkException {
    subnets.clear();
    subnets.add(current);
    subnets.addAll(known);
    try {
      for (Subnet subnet : subnets) {
        bridge.ensure(subnet);
      }
      nat.create(subnets);
      ready = true;
      LOG.info("Pod network ready on bridge {} for {}", bridge.name(), subnets);
    } catch (NetworkException e) {
      notReadyReason = e.getMessage();
      throw e;
    }
  }

  public boolean ready() {
    return ready;
  }

  public String notReadyReason() {
    return ready ? "" : notReadyReason;
  }

  /** A CIDR given later (UpdateRuntimeConfig) gets its gateway on the bridge and masquerade. */
  private synchronized void use(Subnet subnet) throws NetworkException {
    if (subnets.add(subnet)) {
      bridge.ensure(subnet);
      nat.addSubnet(subnet);
    }
  }

  public Ipam ipam() {
    return ipam;
  }

  /**
   * Gives the pod whose network namespace is pinned at netns an address, a veth and its host
   * ports. On failure it undoes its own steps before throwing.
   */
  public Attachment attach(String podId, Path netns, Subnet subnet, List<PortMapping> ports)
      throws NetworkException {
    if (!ready) {
      throw new NetworkException(NetworkException.Kind.FAILED, "the pod network is not ready: " + notReadyReason);
    }
    use(subnet);
    int address = ipam.allocate(subnet, podId);
    String ip = subnet.withPrefix(address);
    String hostVeth = hostVethName(podId);
    try {
      try (RtNetlink host = RtNetlink.open()) {
        host.createVethIntoNamespace(hostVeth, bridge.name(), "eth0", netns.toString());
      }
      thread.run(() -> {
        Namespaces.join(netns.toString(), Namespaces.CLONE_NEWNET);
        try (RtNetlink pod = RtNetlink.open()) {
          pod.linkUp("lo");
          pod.linkUp("eth0");
          pod.addAddress("eth0", address, subnet.prefixLength());
          pod.addDefaultRoute(subnet.gateway(), "eth0");
        }
        return null;
      });
      nat.addPorts(Subnet.format(address), ports);
    } catch (Exception e) {
      deleteVeth(hostVeth);
      ipam.release(Subnet.format(address), podId);
      if (e instanceof NetworkException ne) {
        throw ne;
      }
      throw new NetworkException(NetworkException.Kind.FAILED, "cannot configure the network of pod " + podId
          + ": " + e.getMessage());
    }
    return new Attachment(ip, hostVeth);
  }

  /** Undoes attach; every step tolerates what is already gone, so it is safe to repeat. */
  public void detach(String podId, String ip, String hostVeth, List<PortMapping> ports) throws NetworkException {
    String address = ip == null ? null : ip.substring(0, ip.indexOf('/'));
    if (address != null) {
      nat.removePorts(address, ports);
    }
    deleteVeth(hostVeth != null ? hostVeth : hostVethName(podId));
    if (address != null) {
      ipam.release(address, podId);
    }
  }

  /**
   * Whether a pod's network is whole: its host veth exists and its address is reserved for
   * it. A detach cut short by a crash leaves one of them gone (the veth goes first).
   */
  public boolean attached(String podId, String ip, String hostVeth) throws IOException {
    String address = ip.substring(0, ip.indexOf('/'));
    return NetworkInterfaces.exists(hostVeth != null ? hostVeth : hostVethName(podId))
        && ipam.owner(address).filter(podId::equals).isPresent();
  }

  /** Releases reservations of pods that no longer exist (address -> owner of live pods). */
  public int reconcile(Map<String, String> live) throws IOException {
    return ipam.reconcile(live);
  }

  /** Re-adds host ports of pods that survived a restart (the table is recreated at start). */
  public void restorePorts(String ip, List<PortMapping> ports) throws NetworkException {
    nat.addPorts(ip.substring(0, ip.indexOf('/')), ports);
  }

  private static void deleteVeth(String hostVeth) throws NetworkException {
    try (RtNetlink netlink = RtNetlink.open()) {
      netlink.deleteLink(hostVeth);
    } catch (KernelException e) {
      throw new NetworkException(NetworkException.Kind.FAILED, "cannot delete veth " + hostVeth + ": " + e.getMessage());
    }
  }

  /** "skf" + 12 digits of the pod id: unique enough, and within the 15 bytes of an interface name. */
  public static String hostVethName(String podId) {
    return "skf" + podId.substring(0, 12);
  }
}
