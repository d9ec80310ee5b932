package dev.skiff.runtime.network;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Persistent IPv4 allocation, one file per address (named by it, holding the owner's id),
 * as CNI's host-local plugin keeps it. Creating the file with O_EXCL is the reservation, so
 * an address is never handed out twice, even across a crash; the file and its directory
 * are fsynced before the address is used. A crash between create and write leaves an
 * empty file, which {@link #reconcile} releases. Allocation goes round-robin from the last
 * address handed out, so a just-released address is not reused at once.
 */
public final class Ipam {
  private static final String LAST = "last_reserved";
  private final Path dir;

  public Ipam(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
  }

  /** Returns the address reserved for owner, or throws EXHAUSTED naming the subnet. */
  public synchronized int allocate(Subnet subnet, String owner) throws NetworkException {
    int first = subnet.firstPodAddress();
    int last = subnet.lastPodAddress();
    int count = last - first + 1;
    int start = lastReserved(subnet);
    for (int i = 1; i <= count; i++) {
      int candidate = first + Math.floorMod(start - first + i, count);
      Path file = dir.resolve(Subnet.format(candidate));
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      } catch (FileAlreadyExistsException e) {
        continue;
      } catch (IOException e) {
        throw new NetworkException(NetworkException.Kind.FAILED, "cannot reserve " + file + ": " + e.getMessage());
      }
      syncDir();
      writeLastReserved(candidate);
      return candidate;
    }
    throw new NetworkException(NetworkException.Kind.EXHAUSTED,
        "pod network " + subnet + " has no free address left (" + count + " in use)");
  }

  /** Releases address if owner holds it; an address already free is fine. */
  public synchronized void release(String address, String owner) throws NetworkException {
    Path file = dir.resolve(address);
    try {
      if (Files.exists(file) && Files.readString(file).trim().equals(owner)) {
        Files.delete(file);
        syncDir();
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // released concurrently: nothing to do
    } catch (IOException e) {
      throw new NetworkException(NetworkException.Kind.FAILED, "cannot release " + file + ": " + e.getMessage());
    }
  }

  /** The owner of address ("" for a torn reservation), empty when it is free. */
  public synchronized Optional<String> owner(String address) throws IOException {
    try {
      return Optional.of(Files.readString(dir.resolve(address)).trim());
    } catch (java.nio.file.NoSuchFileException free) {
      return Optional.empty();
    }
  }

  /** Every reservation: address -> owner ("" for a torn one). */
  public synchronized Map<String, String> allocations() throws IOException {
    Map<String, String> all = new TreeMap<>();
    try (var entries = Files.list(dir)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        String name = entry.getFileName().toString();
        if (name.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
          all.put(name, Files.readString(entry).trim());
        }
      }
    }
    return all;
  }

  /** Releases every reservation whose owner is not in {@code live} (address -> owner). */
  public synchronized int reconcile(Map<String, String> live) throws IOException {
    int released = 0;
    for (Map.Entry<String, String> allocation : allocations().entrySet()) {
      if (!allocation.getValue().equals(live.get(allocation.getKey()))) {
        Files.deleteIfExists(dir.resolve(allocation.getKey()));
        released++;
      }
    }
    if (released > 0) {
      syncDir();
    }
    return released;
  }

  private int lastReserved(Subnet subnet) {
    try {
      int address = Subnet.parseAddress(Files.readString(dir.resolve(LAST)).trim());
      return subnet.contains(address) ? address : subnet.firstPodAddress() - 1;
    } catch (IOException | IllegalArgumentException e) {
      return subnet.firstPodAddress() - 1;
    }
  }

  /** Only a hint for round-robin: losing it in a crash costs nothing, so it is not fsynced. */
  private void writeLastReserved(int address) {
    try {
      Files.writeString(dir.resolve(LAST), Subnet.format(address));
    } catch (IOException e) {
      // the next allocation starts from the beginning of the range: still correct
    }
  }

  private void syncDir() throws NetworkException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      throw new NetworkException(NetworkException.Kind.FAILED, "cannot sync " + dir + ": " + e.getMessage());
    }
  }
}
