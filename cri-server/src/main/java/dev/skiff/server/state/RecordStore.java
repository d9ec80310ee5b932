package dev.skiff.server.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One directory of JSON records of one type, one file per id, each written atomically.
 * This is the recovery path only: callers keep their own in-memory maps for queries and
 * write here before they publish a change.
 */
public final class RecordStore<T> {
  private static final Logger LOG = LoggerFactory.getLogger(RecordStore.class);
  static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .findAndRegisterModules();
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,254}");

  private final Path dir;
  private final Class<T> type;

  public RecordStore(Path dir, Class<T> type) throws IOException {
    this.dir = dir;
    this.type = type;
    Files.createDirectories(dir);
  }

  public void put(String id, T record) throws IOException {
    AtomicFile.write(file(id), JSON.writeValueAsBytes(record));
  }

  /**
   * Writes the record now (a crash of skiffd finds it) and makes it durable on executor; the
   * future completes when a crash of the machine would find it too (see
   * {@link AtomicFile#writeUnsynced}).
   */
  public CompletableFuture<Void> putSyncingLater(String id, T record, Executor executor) throws IOException {
    Path file = file(id);
    AtomicFile.writeUnsynced(file, JSON.writeValueAsBytes(record));
    return CompletableFuture.runAsync(() -> {
      try {
        AtomicFile.sync(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, executor);
  }

  public void remove(String id) throws IOException {
    AtomicFile.delete(file(id));
  }

  /**
   * Reads every record. Temp files and empty records left by a crash mid-write are deleted; a record that
   * cannot be parsed is moved aside as {@code ID.json.corrupt} and reported, never fatal.
   */
  public List<T> loadAll() throws IOException {
    List<T> records = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        String name = entry.getFileName().toString();
        if (name.endsWith(AtomicFile.TEMP_SUFFIX) || (name.endsWith(".json") && Files.size(entry) == 0)) {
          // An empty record: written without fsync, then the machine crashed (putSyncingLater).
          LOG.info("Deleting torn write {}", entry);
          Files.deleteIfExists(entry);
        } else if (name.endsWith(".json")) {
          try {
            records.add(JSON.readValue(entry.toFile(), type));
          } catch (IOException e) {
            Path aside = entry.resolveSibling(name + ".corrupt");
            LOG.error("Record {} is unreadable, moved to {}: {}", entry, aside, e.getMessage());
            Files.move(entry, aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return records;
  }

  private Path file(String id) {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("invalid record id '" + id + "'");
    }
    return dir.resolve(id + ".json");
  }
}
