package dev.skiff.runtime.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * rtnetlink requests for the pod network: a veth pair created with its peer already in the
 * pod's network namespace, bridge ports, links up, addresses and routes, links deleted. One
 * socket per use, in the network namespace of the thread that opens it (open it on the
 * namespace thread to configure a pod's namespace). Each request asks for an ACK; rtnetlink
 * handles a request inside send(2), so its answer is already queued when send returns and is
 * read without blocking. Errors name the request and the errno the kernel answered.
 */
public final class RtNetlink implements AutoCloseable {
  static final int AF_INET = 2;
  private static final int AF_NETLINK = 16;
  private static final int SOCK_RAW = 3;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int NETLINK_ROUTE = 0;
  private static final int MSG_DONTWAIT = 0x40;

  private static final int NLMSG_ERROR = 2;
  private static final int NLM_F_REQUEST = 1;
  private static final int NLM_F_ACK = 4;
  private static final int NLM_F_EXCL = 0x200;
  private static final int NLM_F_CREATE = 0x400;
  private static final int CREATE = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
  private static final int CHANGE = NLM_F_REQUEST | NLM_F_ACK;

  private static final int RTM_NEWLINK = 16;
  private static final int RTM_DELLINK = 17;
  private static final int RTM_NEWADDR = 20;
  private static final int RTM_NEWROUTE = 24;

  private static final int IFF_UP = 1;
  private static final int IFLA_IFNAME = 3;
  private static final int IFLA_MASTER = 10;
  private static final int IFLA_LINKINFO = 18;
  private static final int IFLA_NET_NS_FD = 28;
  private static final int IFLA_INFO_KIND = 1;
  private static final int IFLA_INFO_DATA = 2;
  private static final int IFLA_INFO_SLAVE_KIND = 4;
  private static final int IFLA_INFO_SLAVE_DATA = 5;
  private static final int VETH_INFO_PEER = 1;
  private static final int IFLA_BRPORT_MODE = 4;
  private static final int IFA_ADDRESS = 1;
  private static final int IFA_LOCAL = 2;
  private static final int RTA_OIF = 4;
  private static final int RTA_GATEWAY = 5;

  private final int fd;
  private int sequence;

  private RtNetlink(int fd) {
    this.fd = fd;
  }

  /** Opens a route netlink socket in the calling thread's network namespace. */
  public static RtNetlink open() throws KernelException {
    int fd = LibC.INSTANCE.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) {
      throw new KernelException("socket", "AF_NETLINK, NETLINK_ROUTE", LibC.errno());
    }
    return new RtNetlink(fd);
  }

  /**
   * Creates veth hostName (up, port of bridge, hairpin on) whose peer is created directly as
   * peerName in the network namespace pinned at peerNetns. The peer stays down: the kernel
   * configures it before the pair is linked, when opening it fails with ENOTCONN; bring it
   * up from inside its namespace.
   */
  public void createVethIntoNamespace(String hostName, String bridge, String peerName, String peerNetns)
      throws KernelException {
    int bridgeIndex = index(bridge);
    int nsFd = FileDescriptors.openReadOnly(peerNetns);
    try {
      request("create veth " + hostName + " with peer " + peerName + " in " + peerNetns,
          message(RTM_NEWLINK, CREATE).ifinfo(0, IFF_UP, IFF_UP)
              .string(IFLA_IFNAME, hostName)
              .u32(IFLA_MASTER, bridgeIndex)
              .begin(IFLA_LINKINFO).string(IFLA_INFO_KIND, "veth")
              .begin(IFLA_INFO_DATA).begin(VETH_INFO_PEER).ifinfo(0, 0, 0)
              .string(IFLA_IFNAME, peerName).u32(IFLA_NET_NS_FD, nsFd)
              .end().end().end());
    } finally {
      FileDescriptors.closeQuietly(nsFd);
    }
    // A bridge port takes its port options only once it is one, so hairpin is a second request.
    request("set hairpin on bridge port " + hostName,
        message(RTM_NEWLINK, CHANGE).ifinfo(0, 0, 0).string(IFLA_IFNAME, hostName)
            .begin(IFLA_LINKINFO).string(IFLA_INFO_SLAVE_KIND, "bridge")
            .begin(IFLA_INFO_SLAVE_DATA).u8(IFLA_BRPORT_MODE, 1).end().end());
  }

  public void linkUp(String name) throws KernelException {
    request("set link " + name + " up", message(RTM_NEWLINK, CHANGE).ifinfo(index(name), IFF_UP, IFF_UP));
  }

  /** Adds an IPv4 address with its prefix ("10.88.0.5", 16) to the link. */
  public void addAddress(String name, int address, int prefixLength) throws KernelException {
    request("add address " + format(address) + "/" + prefixLength + " to " + name,
        message(RTM_NEWADDR, CREATE).ifaddr(prefixLength, index(name))
            .u32(IFA_LOCAL, network(address)).u32(IFA_ADDRESS, network(address)));
  }

  public void addDefaultRoute(int gateway, String name) throws KernelException {
    request("add default route via " + format(gateway) + " dev " + name,
        message(RTM_NEWROUTE, CREATE).rtmsg(0).u32(RTA_GATEWAY, network(gateway)).u32(RTA_OIF, index(name)));
  }

  /** Deletes the link (a veth takes its peer with it); returns false when it did not exist. */
  public boolean deleteLink(String name) throws KernelException {
    int index = LibC.INSTANCE.if_nametoindex(name);
    if (index == 0) {
      return false;
    }
    try {
      request("delete link " + name, message(RTM_DELLINK, CHANGE).ifinfo(index, 0, 0));
      return true;
    } catch (KernelException e) {
      if (e.errno() == 19) {   // ENODEV: deleted meanwhile
        return false;
      }
      throw e;
    }
  }

  private NetlinkMessage message(int type, int flags) {
    return new NetlinkMessage(type, flags, ++sequence);
  }

  private void request(String what, NetlinkMessage message) throws KernelException {
    byte[] bytes = message.bytes();
    long sent = LibC.INSTANCE.send(fd, bytes, bytes.length, 0);
    if (sent != bytes.length) {
      throw new KernelException("netlink send", what, sent < 0 ? LibC.errno() : Errno.EINVAL);
    }
    byte[] reply = new byte[4096];
    long length = LibC.INSTANCE.recv(fd, reply, reply.length, MSG_DONTWAIT);
    if (length < 0) {
      throw new KernelException("netlink recv", what, LibC.errno());
    }
    ByteBuffer answer = ByteBuffer.wrap(reply, 0, (int) length).order(ByteOrder.nativeOrder());
    if (length < NetlinkMessage.headerLength() + 4 || answer.getShort(4) != NLMSG_ERROR
        || answer.getInt(8) != message.sequence()) {
      throw new KernelException("netlink recv", what + ": unexpected answer", Errno.EINVAL);
    }
    int error = answer.getInt(NetlinkMessage.headerLength());
    if (error != 0) {
      throw new KernelException("netlink", what, -error);
    }
  }

  private static int index(String name) throws KernelException {
    int index = LibC.INSTANCE.if_nametoindex(name);
    if (index == 0) {
      throw new KernelException("if_nametoindex", name, LibC.errno());
    }
    return index;
  }

  /** An address as the int whose native-order bytes are the address in network order. */
  private static int network(int address) {
    return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? address : Integer.reverseBytes(address);
  }

  private static String format(int address) {
    return (address >>> 24) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255) + "." + (address & 255);
  }

  @Override
  public void close() {
    FileDescriptors.closeQuietly(fd);
  }
}
