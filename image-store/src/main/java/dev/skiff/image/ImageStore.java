package dev.skiff.image;

import dev.skiff.image.content.ContentStore;
import dev.skiff.image.index.ImageIndex;
import dev.skiff.image.index.ImageRecord;
import dev.skiff.image.oci.OciImageConfig;
import dev.skiff.image.pull.ImagePuller;
import dev.skiff.image.ref.Digest;
import dev.skiff.image.ref.ImageReference;
import dev.skiff.image.registry.Credentials;
import dev.skiff.image.registry.RegistryTransports;
import dev.skiff.image.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image store: pull, look up, list, remove, usage, and the rootfs of an image for
 * containers. Layout under the root:
 * <pre>
 *   blobs/sha256/HEX   content by digest (manifests, configs, layers)
 *   ingest/            blobs being written (deleted at start)
 *   snapshots/HEX      one unpacked layer per chain ID (.tmp-/.trash- deleted at start)
 *   index/HEX.json     one record per image, HEX = config digest
 * </pre>
 */
public final class ImageStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ImageStore.class);

  private final ImageStoreSettings settings;
  private final ContentStore content;
  private final SnapshotStore snapshots;
  private final ImageIndex index;
  private final ImagePuller puller;
  private final SnapshotUsers snapshotUsers;
  private final PinnedImages pinnedImages;
  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final ConcurrentMap<PullKey, CompletableFuture<Image>> pullsInFlight = new ConcurrentHashMap<>();

  /** Pulls are shared only when reference and credentials are equal (not merely of equal hash). */
  private record PullKey(ImageReference reference, Credentials credentials) {}
  private final Object gcLock = new Object();
  private final Map<Digest, Integer> protectedBlobs = new HashMap<>();
  private final Map<Digest, Integer> protectedSnapshots = new HashMap<>();
  private static final long USAGE_MAX_AGE_NANOS = 10_000_000_000L;
  private final Object usageLock = new Object();
  private volatile StoreUsage cachedUsage;
  private volatile long usageCountedAt;

  private ImageStore(ImageStoreSettings settings, SnapshotUsers snapshotUsers) throws IOException {
    this.settings = settings;
    this.snapshotUsers = snapshotUsers;
    this.pinnedImages = new PinnedImages(settings.pinnedImages());
    Files.createDirectories(settings.root());
    this.content = new ContentStore(settings.root());
    this.snapshots = new SnapshotStore(settings.root().resolve("snapshots"));
    this.index = new ImageIndex(settings.root().resolve("index"));
    this.workers = Executors.newCachedThreadPool(daemonThreads("image-pull"));
    this.timers = Executors.newSingleThreadScheduledExecutor(daemonThreads("image-timer"));
    RegistryTransports transports = new RegistryTransports(settings.registries(), settings.insecureRegistries(),
        settings.stallTimeout());
    this.puller = new ImagePuller(settings, transports, content, snapshots, workers, timers, this::protect);
  }

  /**
   * Opens the store, deleting what a crash left half-written. Complete blobs and snapshots
   * that a crash left unindexed are collected by {@link #collectGarbageInBackground}, which
   * the caller starts once it knows every container's snapshots.
   */
  public static ImageStore open(ImageStoreSettings settings, SnapshotUsers snapshotUsers) throws IOException {
    ImageStore store = new ImageStore(settings, snapshotUsers);
    store.content.cleanIngest();
    store.snapshots.cleanLeftovers();
    return store;
  }

  public Path root() {
    return settings.root();
  }

  /**
   * Pulls an image and returns it once it is indexed. Identical concurrent pulls (same
   * reference and credentials) share one.
   */
  public CompletableFuture<Image> pull(String reference, Credentials credentials) {
    ImageReference ref = ImageReference.parse(reference);
    PullKey key = new PullKey(ref, credentials);
    CompletableFuture<Image> mine = new CompletableFuture<>();
    CompletableFuture<Image> shared = pullsInFlight.putIfAbsent(key, mine);
    if (shared != null) {
      return shared;
    }
    workers.execute(() -> {
      try {
        LOG.info("Pulling image {}", ref);
        long started = System.nanoTime();
        ImagePuller.Pulled pulled = puller.pull(ref, credentials);
        ImageRecord record;
        try (AutoCloseable held = pulled.protection()) {
          record = index.put(pulled.record());
        }
        invalidateUsage();
        Image image = load(record);
        LOG.info("Pulled image {} as {} ({} MB) in {} ms", ref, record.id(), String.format("%.1f", record.size() / 1e6),
            (System.nanoTime() - started) / 1_000_000);
        // Leave the map before completing: a caller that sees the result and pulls again
        // must start a new pull, not join this finished one.
        pullsInFlight.remove(key, mine);
        mine.complete(image);
      } catch (Throwable e) {
        LOG.warn("Pull of image {} failed: {}", ref, e.getMessage());
        pullsInFlight.remove(key, mine);
        mine.completeExceptionally(e);
      }
    });
    return mine;
  }

  /** Finds an image by id, id prefix, tag or digest reference. */
  public Optional<Image> find(String refOrId) throws IOException {
    Optional<ImageRecord> record = index.resolve(refOrId);
    return record.isPresent() ? Optional.of(load(record.get())) : Optional.empty();
  }

  public List<Image> list() throws IOException {
    List<Image> images = new ArrayList<>();
    for (ImageRecord record : index.list()) {
      images.add(load(record));
    }
    return images;
  }

  /**
   * Removes an image with all its tags and digests, then deletes blobs and snapshots no
   * other image, pull or container uses. Returns false when there was no such image.
   */
  public boolean remove(String refOrId) throws IOException {
    Optional<ImageRecord> record = index.resolve(refOrId);
    if (record.isEmpty()) {
      return false;
    }
    index.remove(record.get().id());
    invalidateUsage();
    LOG.info("Removed image {} ({})", record.get().id(), String.join(", ", record.get().repoTags()));
    collectGarbage();
    return true;
  }

  /** The layers (top first) and config a container of this image is built from. */
  public ImageRootfs rootfs(String refOrId) throws IOException {
    ImageRecord record = index.resolve(refOrId)
        .orElseThrow(() -> ImageStoreException.notFound("image '" + refOrId + "' not found"));
    List<Path> layers = new ArrayList<>();
    for (int i = record.layers().size() - 1; i >= 0; i--) {
      Path dir = snapshots.path(record.layers().get(i).chainIdDigest());
      if (!Files.isDirectory(dir)) {
        throw ImageStoreException.internal("snapshot " + dir + " of image " + record.id() + " is missing", null);
      }
      layers.add(dir);
    }
    return new ImageRootfs(record.id(), layers, load(record).config());
  }

  /** What one garbage collection deleted. */
  public record Collected(int blobs, int snapshots) {}

  /**
   * Runs {@link #collectGarbage} on a worker thread: skiffd calls it once serving, after
   * container recovery, to delete what a crash between download and indexing left behind
   * without holding up the socket (deleting an unpacked layer can take seconds). Safe alongside pulls and removals:
   * both sides take the same lock, and pulls protect their blobs and snapshots first.
   */
  public CompletableFuture<Collected> collectGarbageInBackground() {
    CompletableFuture<Collected> done = new CompletableFuture<>();
    workers.execute(() -> {
      long started = System.nanoTime();
      try {
        Collected collected = collectGarbage();
        LOG.info("Collected {} unreferenced blobs and {} snapshots at start in {} ms", collected.blobs(),
            collected.snapshots(), (System.nanoTime() - started) / 1_000_000);
        done.complete(collected);
      } catch (Throwable e) {
        LOG.warn("Collecting unreferenced blobs and snapshots at start failed: {}", e.toString());
        done.completeExceptionally(e);
      }
    });
    return done;
  }

  /** Deletes every blob and snapshot that no image, running pull or {@link SnapshotUsers} references. */
  public Collected collectGarbage() throws IOException {
    int blobCount = 0;
    int snapshotCount = 0;
    synchronized (gcLock) {
      Set<Digest> blobsInUse = new HashSet<>(protectedBlobs.keySet());
      Set<Digest> snapshotsInUse = new HashSet<>(protectedSnapshots.keySet());
      for (ImageRecord record : index.list()) {
        blobsInUse.addAll(record.blobs());
        record.layers().forEach(l -> snapshotsInUse.add(l.chainIdDigest()));
      }
      Set<Path> usedByContainers = snapshotUsers.snapshotsInUse();
      for (Digest chainId : snapshots.list()) {
        if (!snapshotsInUse.contains(chainId) && !usedByContainers.contains(snapshots.path(chainId))) {
          LOG.info("Deleting unused snapshot {}", chainId.shortHex());
          snapshots.delete(chainId);
          snapshotCount++;
        }
      }
      for (Digest blob : content.list()) {
        if (!blobsInUse.contains(blob)) {
          LOG.debug("Deleting unused blob {}", blob);
          content.delete(blob);
          blobCount++;
        }
      }
    }
    invalidateUsage();
    return new Collected(blobCount, snapshotCount);
  }

  /**
   * Bytes and inodes under the store's root. Counting walks every unpacked file, and kubelet
   * asks every few seconds, so a count is reused for up to {@link #USAGE_MAX_AGE_NANOS}
   * unless a pull or a removal changed the store since.
   */
  public StoreUsage usage() throws IOException {
    synchronized (usageLock) {
      StoreUsage cached = cachedUsage;
      if (cached != null && System.nanoTime() - usageCountedAt < USAGE_MAX_AGE_NANOS) {
        return cached;
      }
      cachedUsage = countUsage();
      usageCountedAt = System.nanoTime();
      return cachedUsage;
    }
  }

  private void invalidateUsage() {
    cachedUsage = null;
  }

  private StoreUsage countUsage() throws IOException {
    long[] totals = new long[2];
    Files.walkFileTree(settings.root(), new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        totals[1]++;
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        totals[1]++;
        if (attrs.isRegularFile()) {
          totals[0] += attrs.size();
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        return FileVisitResult.CONTINUE;
      }
    });
    return new StoreUsage(settings.root(), totals[0], totals[1], System.currentTimeMillis() * 1_000_000L);
  }

  private Image load(ImageRecord record) throws IOException {
    byte[] json = content.read(record.configDigest());
    Image image = new Image(record, OciImageConfig.parse(json, record.id()), json, record.pinned());
    return pinnedImages.matches(image) ? new Image(record, image.config(), json, true) : image;
  }

  private AutoCloseable protect(List<Digest> blobs, List<Digest> chainIds) {
    synchronized (gcLock) {
      blobs.forEach(d -> protectedBlobs.merge(d, 1, Integer::sum));
      chainIds.forEach(d -> protectedSnapshots.merge(d, 1, Integer::sum));
    }
    AtomicInteger closed = new AtomicInteger();
    return () -> {
      if (closed.getAndIncrement() == 0) {
        synchronized (gcLock) {
          blobs.forEach(d -> protectedBlobs.computeIfPresent(d, (k, n) -> n == 1 ? null : n - 1));
          chainIds.forEach(d -> protectedSnapshots.computeIfPresent(d, (k, n) -> n == 1 ? null : n - 1));
        }
      }
    };
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    workers.shutdownNow();
    timers.shutdownNow();
  }
}
