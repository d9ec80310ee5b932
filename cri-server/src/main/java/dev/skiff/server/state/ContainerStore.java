package dev.skiff.server.state;

import dev.skiff.runtime.container.ContainerProcess;
import dev.skiff.server.rpc.CriError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * Container records: a map sorted by id (also the id-prefix index), a name registry per
 * pod, the shim handle of each container, and the {@link RecordStore} on disk. Every change
 * is written to disk before it is published. Snapshots named by a record, or pinned by a
 * CreateContainer in progress, are reported in use so image garbage collection keeps them.
 */
public final class ContainerStore {
  private final RecordStore<ContainerRecord> disk;
  private final NavigableMap<String, ContainerRecord> byId = new TreeMap<>();
  private final Map<String, ContainerProcess> processes = new HashMap<>();
  private final Map<String, String> names = new HashMap<>();
  private final Map<String, List<Path>> pinned = new HashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  public ContainerStore(Path stateDir) throws IOException {
    this.disk = new RecordStore<>(stateDir.resolve("containers"), ContainerRecord.class);
  }

  /** Reads every record from disk; called once, by recovery, which then publishes each. */
  public List<ContainerRecord> loadFromDisk() throws IOException {
    return disk.loadAll();
  }

  /** Reserves the container's name in its pod, or fails ALREADY_EXISTS naming the holder. */
  public synchronized void reserveName(String podId, ContainerMetadata metadata, String id) {
    String holder = names.putIfAbsent(metadata.registryKey(podId), id);
    if (holder != null && !holder.equals(id)) {
      throw CriError.alreadyExists("container " + metadata.name() + " (attempt " + metadata.attempt()
          + ") already exists in pod sandbox " + podId + " with id " + holder);
    }
  }

  public synchronized void releaseName(String podId, ContainerMetadata metadata, String id) {
    names.remove(metadata.registryKey(podId), id);
  }

  /** Keeps snapshot directories from garbage collection while a container is being created. */
  public synchronized void pin(String id, List<Path> snapshots) {
    pinned.put(id, List.copyOf(snapshots));
  }

  public synchronized void unpin(String id) {
    pinned.remove(id);
  }

  /** Writes a new record to disk only: recovery finds it even if the caller crashes before {@link #publish}. */
  public void persist(ContainerRecord record) throws IOException {
    disk.put(record.id(), record);
  }

  /**
   * {@link #persist} in two halves: written when this returns (a crash of skiffd finds it),
   * durable when the future completes, so that the fsync overlaps the caller's other work.
   * A machine crash in between leaves at most an empty record (dropped at load) and the
   * container's writable layer (deleted by recovery as one that no record names); cgroups,
   * mounts, shims and the run directory do not outlive the machine.
   */
  public CompletableFuture<Void> persistSyncingLater(ContainerRecord record, Executor executor) throws IOException {
    return disk.putSyncingLater(record.id(), record, executor);
  }

  /** Makes a persisted record (and its shim handle, null when unknown) visible to queries. */
  public synchronized void publish(ContainerRecord record, ContainerProcess process) {
    byId.put(record.id(), record);
    names.put(record.metadata().registryKey(record.podId()), record.id());
    if (process != null) {
      processes.put(record.id(), process);
    }
  }

  /** Changes a record through change(old) -> new, written atomically before it is published. */
  public ContainerRecord update(String id, UnaryOperator<ContainerRecord> change) throws IOException {
    synchronized (lockFor(id)) {
      ContainerRecord old = get(id).orElseThrow(() -> CriError.notFound("container " + id + " not found"));
      ContainerRecord updated = change.apply(old);
      disk.put(id, updated);
      synchronized (this) {
        byId.put(id, updated);
      }
      return updated;
    }
  }

  /** Deletes the record (disk first), frees its name and its snapshots. */
  public void remove(ContainerRecord record) throws IOException {
    disk.remove(record.id());
    synchronized (this) {
      byId.remove(record.id());
      processes.remove(record.id());
      pinned.remove(record.id());
      names.remove(record.metadata().registryKey(record.podId()), record.id());
    }
  }

  public synchronized Optional<ContainerRecord> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** The shim handle; empty when the shim never reported or its bundle is gone (after a reboot). */
  public synchronized Optional<ContainerProcess> process(String id) {
    return Optional.ofNullable(processes.get(id));
  }

  /**
   * The container whose id is, or starts with, idOrPrefix; empty when none does. A prefix
   * shared by several containers is an error naming how many.
   */
  public synchronized Optional<ContainerRecord> find(String idOrPrefix) {
    ContainerRecord exact = byId.get(idOrPrefix);
    if (exact != null) {
      return Optional.of(exact);
    }
    List<ContainerRecord> matches = withPrefix(idOrPrefix);
    if (matches.size() > 1) {
      throw CriError.invalid("container id prefix '" + idOrPrefix + "' matches " + matches.size() + " containers");
    }
    return matches.stream().findFirst();
  }

  public synchronized List<ContainerRecord> withPrefix(String prefix) {
    return new ArrayList<>(byId.subMap(prefix, true, prefix + Character.MAX_VALUE, false).values());
  }

  public synchronized List<ContainerRecord> all() {
    return new ArrayList<>(byId.values());
  }

  public synchronized List<ContainerRecord> ofPod(String podId) {
    return byId.values().stream().filter(r -> r.podId().equals(podId)).toList();
  }

  /** Every snapshot directory a container uses or a create in progress pinned (image GC keeps them). */
  public synchronized Set<Path> snapshotsInUse() {
    Set<Path> inUse = new HashSet<>();
    for (ContainerRecord record : byId.values()) {
      record.snapshots().forEach(s -> inUse.add(Path.of(s)));
    }
    pinned.values().forEach(inUse::addAll);
    return inUse;
  }

  /** The lock that serializes Start, Stop, Remove and updates of one container. */
  public Object lockFor(String id) {
    return locks.computeIfAbsent(id, key -> new Object());
  }

  public void forgetLock(String id) {
    locks.remove(id);
  }
}
