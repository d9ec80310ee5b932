package dev.skiff.image.index;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.skiff.image.ImageStoreException;
import dev.skiff.image.content.DurableFiles;
import dev.skiff.image.ref.Digest;
import dev.skiff.image.ref.ImageReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images skiff holds: one JSON file per image ({@code DIR/HEX.json}, written
 * atomically) and a map in memory for queries. A change is written to disk before it is
 * published. A tag belongs to one image at a time: pulling a tag onto a new image takes
 * it from the old one; if a crash leaves a tag on two images, loading keeps it on the
 * most recently pulled.
 */
public final class ImageIndex {
  private static final Logger LOG = LoggerFactory.getLogger(ImageIndex.class);
  private static final Pattern HEX_PREFIX = Pattern.compile("(?:sha256:)?([a-f0-9]{1,64})");
  static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path dir;
  private final Map<String, ImageRecord> images = new ConcurrentHashMap<>();

  public ImageIndex(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    load();
  }

  public Optional<ImageRecord> get(String id) {
    return Optional.ofNullable(images.get(id));
  }

  public List<ImageRecord> list() {
    List<ImageRecord> all = new ArrayList<>(images.values());
    all.sort(Comparator.comparing(ImageRecord::id));
    return all;
  }

  /**
   * Finds an image by id ({@code sha256:HEX} or {@code HEX}), by reference (tag or digest,
   * normalized), or by a unique id prefix. Malformed text throws INVALID.
   */
  public Optional<ImageRecord> resolve(String refOrId) {
    if (refOrId == null || refOrId.isEmpty()) {
      throw ImageStoreException.invalid("image reference is empty");
    }
    if (Digest.isDigest(refOrId)) {
      return get(refOrId);
    }
    if (refOrId.matches("[a-f0-9]{64}")) {
      return get("sha256:" + refOrId);
    }
    ImageReference ref = null;
    ImageStoreException invalid = null;
    try {
      ref = ImageReference.parse(refOrId);
    } catch (ImageStoreException e) {
      invalid = e;
    }
    if (ref != null) {
      Optional<ImageRecord> byRef = byReference(ref);
      if (byRef.isPresent()) {
        return byRef;
      }
    }
    var prefix = HEX_PREFIX.matcher(refOrId);
    if (prefix.matches()) {
      String start = "sha256:" + prefix.group(1);
      List<ImageRecord> matches = images.values().stream().filter(i -> i.id().startsWith(start)).toList();
      if (matches.size() == 1) {
        return Optional.of(matches.get(0));
      }
    }
    if (invalid != null) {
      throw invalid;
    }
    return Optional.empty();
  }

  private Optional<ImageRecord> byReference(ImageReference ref) {
    if (ref.digest() != null) {
      String repoDigest = ref.repoDigest(ref.digest());
      return images.values().stream().filter(i -> i.repoDigests().contains(repoDigest)).findFirst();
    }
    String tag = ref.repoTag().orElseThrow();
    return images.values().stream().filter(i -> i.repoTags().contains(tag)).findFirst();
  }

  /** Adds or merges an image; takes its tags away from every other image. */
  public synchronized ImageRecord put(ImageRecord record) throws IOException {
    ImageRecord merged = images.containsKey(record.id()) ? images.get(record.id()).mergedWith(record) : record;
    for (ImageRecord other : List.copyOf(images.values())) {
      if (other.id().equals(record.id())) {
        continue;
      }
      ImageRecord stripped = other;
      for (String tag : record.repoTags()) {
        if (stripped.repoTags().contains(tag)) {
          stripped = stripped.withoutTag(tag);
        }
      }
      if (stripped != other) {
        write(stripped);
        images.put(stripped.id(), stripped);
      }
    }
    write(merged);
    images.put(merged.id(), merged);
    return merged;
  }

  public synchronized Optional<ImageRecord> remove(String id) throws IOException {
    ImageRecord record = images.get(id);
    if (record == null) {
      return Optional.empty();
    }
    DurableFiles.delete(file(id));
    images.remove(id);
    return Optional.of(record);
  }

  private void write(ImageRecord record) throws IOException {
    DurableFiles.write(file(record.id()), JSON.writeValueAsBytes(record));
  }

  private Path file(String id) {
    return dir.resolve(Digest.parse(id).hex() + ".json");
  }

  private void load() throws IOException {
    List<ImageRecord> loaded = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        String name = entry.getFileName().toString();
        if (name.startsWith(DurableFiles.TEMP_PREFIX)) {
          LOG.info("Deleting torn image record write {}", name);
          Files.deleteIfExists(entry);
        } else if (name.endsWith(".json")) {
          try {
            ImageRecord record = JSON.readValue(entry.toFile(), ImageRecord.class);
            if (!entry.getFileName().toString().equals(record.configDigest().hex() + ".json")) {
              throw new IOException("file name does not match image id " + record.id());
            }
            loaded.add(record);
          } catch (IOException | RuntimeException e) {
            Path aside = entry.resolveSibling(name + ".corrupt");
            LOG.error("Image record {} is unreadable, moved to {}: {}", entry, aside, e.getMessage());
            Files.move(entry, aside, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    loaded.sort(Comparator.comparingLong(ImageRecord::pulledAtMillis));
    for (ImageRecord record : loaded) {
      // Newest last: a tag a crash left on two images ends on the newest.
      for (ImageRecord other : List.copyOf(images.values())) {
        ImageRecord stripped = other;
        for (String tag : record.repoTags()) {
          if (stripped.repoTags().contains(tag)) {
            stripped = stripped.withoutTag(tag);
          }
        }
        if (stripped != other) {
          images.put(stripped.id(), stripped);
          write(stripped);
        }
      }
      images.put(record.id(), record);
    }
    LOG.info("Loaded {} image records from {}", images.size(), dir);
  }
}
