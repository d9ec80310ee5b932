package dev.skiff.server.state;

import dev.skiff.server.rpc.CriError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Pod records: a map sorted by id (which is also the id-prefix index), a name registry, and
 * the {@link RecordStore} on disk. Every change is written to disk before it is published.
 * Names are reserved before a pod is created, so two concurrent RunPodSandbox calls with
 * the same metadata cannot both proceed.
 */
public final class PodStore {
  private final RecordStore<PodRecord> disk;
  private final NavigableMap<String, PodRecord> byId = new TreeMap<>();
  private final Map<String, String> names = new HashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  public PodStore(Path stateDir) throws IOException {
    this.disk = new RecordStore<>(stateDir.resolve("pods"), PodRecord.class);
  }

  /** Reads every record from disk into memory; called once, by recovery. */
  public synchronized List<PodRecord> load() throws IOException {
    List<PodRecord> records = disk.loadAll();
    for (PodRecord record : records) {
      byId.put(record.id(), record);
      names.put(record.metadata().registryKey(), record.id());
    }
    return records;
  }

  /** Reserves the pod's name for id, or fails ALREADY_EXISTS naming the pod that holds it. */
  public synchronized void reserveName(PodMetadata metadata, String id) {
    String holder = names.putIfAbsent(metadata.registryKey(), id);
    if (holder != null && !holder.equals(id)) {
      throw CriError.alreadyExists("pod sandbox " + metadata.namespace() + "/" + metadata.name() + " (uid "
          + metadata.uid() + ", attempt " + metadata.attempt() + ") already exists with id " + holder);
    }
  }

  public synchronized void releaseName(PodMetadata metadata, String id) {
    names.remove(metadata.registryKey(), id);
  }

  /** Adds a new record: on disk first, then in memory. */
  public void add(PodRecord record) throws IOException {
    disk.put(record.id(), record);
    synchronized (this) {
      byId.put(record.id(), record);
    }
  }

  /** Changes a record through change(old) -> new, written atomically before it is published. */
  public PodRecord update(String id, UnaryOperator<PodRecord> change) throws IOException {
    synchronized (lockFor(id)) {
      PodRecord old = get(id).orElseThrow(() -> CriError.notFound("pod sandbox " + id + " not found"));
      PodRecord updated = change.apply(old);
      disk.put(id, updated);
      synchronized (this) {
        byId.put(id, updated);
      }
      return updated;
    }
  }

  /** Deletes the record (disk first) and frees its name. */
  public void remove(PodRecord record) throws IOException {
    disk.remove(record.id());
    synchronized (this) {
      byId.remove(record.id());
      names.remove(record.metadata().registryKey(), record.id());
    }
  }

  public synchronized Optional<PodRecord> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /**
   * The pod whose id is, or starts with, idOrPrefix; empty when none does. A prefix shared by
   * several pods is an error naming how many, as containerd's truncindex answers.
   */
  public synchronized Optional<PodRecord> find(String idOrPrefix) {
    PodRecord exact = byId.get(idOrPrefix);
    if (exact != null) {
      return Optional.of(exact);
    }
    List<PodRecord> matches = withPrefix(idOrPrefix);
    if (matches.size() > 1) {
      throw CriError.invalid("pod sandbox id prefix '" + idOrPrefix + "' matches " + matches.size() + " pods");
    }
    return matches.stream().findFirst();
  }

  public synchronized List<PodRecord> withPrefix(String prefix) {
    return new ArrayList<>(byId.subMap(prefix, true, prefix + Character.MAX_VALUE, false).values());
  }

  public synchronized List<PodRecord> all() {
    return new ArrayList<>(byId.values());
  }

  /** The lock that serializes Stop, Remove and updates of one pod. */
  public Object lockFor(String id) {
    return locks.computeIfAbsent(id, key -> new Object());
  }

  public void forgetLock(String id) {
    locks.remove(id);
  }
}
