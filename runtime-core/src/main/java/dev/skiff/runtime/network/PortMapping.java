package dev.skiff.runtime.network;

/** hostIp:hostPort -> pod:containerPort; an empty hostIp means every local address. */
public record PortMapping(Protocol protocol, int containerPort, int hostPort, String hostIp) {
  public PortMapping {
    hostIp = hostIp == null ? "" : hostIp;
  }

  /** Throws IllegalArgumentException naming the mapping when a port or the address is out of range. */
  public void check() {
    if (containerPort < 1 || containerPort > 65535) {
      throw new IllegalArgumentException("port mapping container_port " + containerPort + " is not between 1 and 65535");
    }
    if (hostPort < 1 || hostPort > 65535) {
      throw new IllegalArgumentException("port mapping host_port " + hostPort + " is not between 1 and 65535");
    }
    if (!hostIp.isEmpty() && !hostIp.equals("0.0.0.0")) {
      Subnet.parseAddress(hostIp);
    }
  }

  /** A host_ip of 0.0.0.0 binds every address, as an empty one does. */
  public boolean anyHostIp() {
    return hostIp.isEmpty() || hostIp.equals("0.0.0.0");
  }
}
