package dev.skiff.runtime.network;

import dev.skiff.runtime.linux.NetworkInterfaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The pod bridge: created if missing, given the gateway address of each pod subnet, up. */
public final class Bridge {
  private final String name;

  public Bridge(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  public boolean exists() {
    return NetworkInterfaces.exists(name);
  }

  public void ensure(Subnet subnet) throws NetworkException {
    String script = (exists() ? "" : "link add " + name + " type bridge\n")
        + "address replace " + subnet.withPrefix(subnet.gateway()) + " dev " + name + "\n"
        + "link set " + name + " up\n";
    Commands.check(Commands.ipBatch(), script);
    writeSysctl("net/ipv4/ip_forward", "1");
    // Lets output-path DNAT send 127.0.0.1-sourced packets to pods (then masqueraded).
    writeSysctl("net/ipv4/conf/" + name + "/route_localnet", "1");
  }

  private static void writeSysctl(String key, String value) throws NetworkException {
    Path file = Path.of("/proc/sys", key);
    try {
      if (!Files.readString(file).trim().equals(value)) {
        Files.writeString(file, value);
      }
    } catch (IOException e) {
      throw new NetworkException(NetworkException.Kind.FAILED, "cannot set " + key + "=" + value + ": " + e.getMessage());
    }
  }
}
