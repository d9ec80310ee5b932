package dev.skiff.image.pull;

import dev.skiff.image.ImageStoreException;
import dev.skiff.image.ImageStoreException.Kind;
import dev.skiff.image.ImageStoreSettings;
import dev.skiff.image.content.ContentStore;
import dev.skiff.image.content.Ingest;
import dev.skiff.image.index.ImageRecord;
import dev.skiff.image.index.ImageRecord.LayerRecord;
import dev.skiff.image.oci.Descriptor;
import dev.skiff.image.oci.ManifestDocument;
import dev.skiff.image.oci.ManifestDocument.ImageManifest;
import dev.skiff.image.oci.ManifestDocument.ManifestIndex;
import dev.skiff.image.oci.OciImageConfig;
import dev.skiff.image.oci.Platform;
import dev.skiff.image.ref.Digest;
import dev.skiff.image.ref.ImageReference;
import dev.skiff.image.registry.Credentials;
import dev.skiff.image.registry.FetchedManifest;
import dev.skiff.image.registry.RegistryEndpoint;
import dev.skiff.image.registry.RegistrySession;
import dev.skiff.image.registry.RegistryTransports;
import dev.skiff.image.snapshot.SnapshotStore;
import dev.skiff.image.unpack.Decompression;
import dev.skiff.image.unpack.LayerUnpacker;
import dev.skiff.image.unpack.LowerView;
import dev.skiff.image.unpack.UnpackBudget;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls one image: resolve the manifest (picking the host platform from an index), fetch
 * the config, then every missing layer in parallel (at most max_concurrent_downloads per
 * pull). A layer streams from the registry through SHA-256 into the content store and at
 * the same time through the decompressor and its diff-ID hash into a fresh snapshot
 * directory; both are published only after both digests match. A layer already unpacked
 * (same chain ID) is not fetched at all; a layer whose blob is stored is unpacked from it.
 * Two pulls needing the same layer share one fetch.
 */
public final class ImagePuller {
  private static final Logger LOG = LoggerFactory.getLogger(ImagePuller.class);
  private static final long MAX_CONFIG_BYTES = 4 * 1024 * 1024;

  /** Keeps what a pull is about to reference safe from garbage collection until it is indexed. */
  public interface Protection {
    AutoCloseable protect(List<Digest> blobs, List<Digest> chainIds);
  }

  private final ImageStoreSettings settings;
  private final RegistryTransports transports;
  private final ContentStore content;
  private final SnapshotStore snapshots;
  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final Protection protection;
  private final ConcurrentMap<Digest, CompletableFuture<Void>> layersInFlight = new ConcurrentHashMap<>();

  public ImagePuller(ImageStoreSettings settings, RegistryTransports transports, ContentStore content,
      SnapshotStore snapshots, ExecutorService workers, ScheduledExecutorService timers, Protection protection) {
    this.settings = settings;
    this.transports = transports;
    this.content = content;
    this.snapshots = snapshots;
    this.workers = workers;
    this.timers = timers;
    this.protection = protection;
  }

  /** The result of a pull, before it is indexed. */
  public record Pulled(ImageRecord record, AutoCloseable protection) {}

  public Pulled pull(ImageReference ref, Credentials credentials) throws Exception {
    List<RegistryEndpoint> endpoints = transports.endpoints(ref.domain());
    ImageStoreException last = null;
    for (RegistryEndpoint endpoint : endpoints) {
      RegistrySession session = new RegistrySession(endpoint, ref.path(), credentials, settings.stallTimeout());
      try {
        return pullFrom(session, ref);
      } catch (ImageStoreException e) {
        boolean tryNext = e.kind() == Kind.UNAVAILABLE || e.kind() == Kind.NOT_FOUND;
        if (!tryNext || endpoint == endpoints.get(endpoints.size() - 1)) {
          throw e;
        }
        LOG.warn("Pull of {} from {} failed, trying the next mirror: {}", ref, endpoint.describe(), e.getMessage());
        last = e;
      }
    }
    throw last;
  }

  private Pulled pullFrom(RegistrySession session, ImageReference ref) throws Exception {
    String what = ref.toString();
    FetchedManifest top = session.manifest(ref.manifestReference(), "manifest " + what);
    if (ref.digest() != null && !top.digest().equals(ref.digest())) {
      throw ImageStoreException.badContent("manifest of " + what + " has digest " + top.digest());
    }
    List<FetchedManifest> manifests = new ArrayList<>(List.of(top));
    ManifestDocument document = ManifestDocument.parse(top.bytes(), top.mediaType(), what);
    if (document instanceof ManifestIndex index) {
      Descriptor chosen = choosePlatform(index, what);
      FetchedManifest child = session.manifest(chosen.digest().toString(), "manifest " + what + " for " + chosen.platform());
      if (!child.digest().equals(chosen.digest())) {
        throw ImageStoreException.badContent("manifest " + chosen.digest() + " of " + what + " has digest " + child.digest());
      }
      manifests.add(child);
      document = ManifestDocument.parse(child.bytes(), child.mediaType(), what);
      if (!(document instanceof ImageManifest)) {
        throw ImageStoreException.badContent("index entry " + chosen.digest() + " of " + what + " is not an image manifest");
      }
    }
    ImageManifest manifest = (ImageManifest) document;
    List<Digest> blobs = new ArrayList<>();
    manifests.forEach(m -> blobs.add(m.digest()));
    blobs.add(manifest.config().digest());
    manifest.layers().forEach(l -> blobs.add(l.digest()));
    if (manifest.config().size() > MAX_CONFIG_BYTES) {
      // Read whole into memory to parse: a hostile manifest must not make skiffd download
      // and load gigabytes (containers/image caps configs at the same 4 MiB).
      throw ImageStoreException.badContent("config " + manifest.config().digest() + " of " + what + " declares "
          + manifest.config().size() + " bytes, more than the 4 MiB an image config may have");
    }
    AutoCloseable held = protection.protect(blobs, List.of());
    try {
      Path configPath = content.fetch(manifest.config().digest(), manifest.config().size(),
          () -> guard(session.blob(manifest.config().digest(), "config of " + what), "config of " + what));
      OciImageConfig config = OciImageConfig.parse(Files.readAllBytes(configPath), what);
      if (config.diffIds().size() != manifest.layers().size()) {
        throw ImageStoreException.badContent("config of " + what + " lists " + config.diffIds().size()
            + " layer diff IDs but the manifest has " + manifest.layers().size() + " layers");
      }
      List<LayerRecord> layers = new ArrayList<>();
      Digest chainId = null;
      for (int i = 0; i < manifest.layers().size(); i++) {
        Descriptor layer = manifest.layers().get(i);
        chainId = SnapshotStore.chainId(chainId, config.diffIds().get(i));
        layers.add(new LayerRecord(layer.digest().toString(), layer.size(), config.diffIds().get(i).toString(),
            chainId.toString()));
      }
      AutoCloseable heldSnapshots = protection.protect(List.of(), layers.stream().map(LayerRecord::chainIdDigest).toList());
      AutoCloseable both = () -> {
        heldSnapshots.close();
        held.close();
      };
      try {
        fetchLayers(session, what, layers);
        for (FetchedManifest m : manifests) {
          content.put(m.digest(), m.bytes());
        }
      } catch (Exception e) {
        heldSnapshots.close();
        throw e;
      }
      long size = manifest.config().size() + manifest.layers().stream().mapToLong(Descriptor::size).sum();
      ImageRecord record = new ImageRecord(manifest.config().digest().toString(),
          ref.repoTag().map(List::of).orElse(List.of()), List.of(ref.repoDigest(top.digest())), size,
          manifests.stream().map(m -> m.digest().toString()).toList(), layers, false, System.currentTimeMillis());
      return new Pulled(record, both);
    } catch (Exception e) {
      held.close();
      throw e;
    }
  }

  private Descriptor choosePlatform(ManifestIndex index, String what) {
    Platform host = Platform.host();
    for (Descriptor entry : index.manifests()) {
      if (host.accepts(entry.platform())) {
        return entry;
      }
    }
    List<String> offered = index.manifests().stream().map(d -> String.valueOf(d.platform())).toList();
    throw new ImageStoreException(Kind.UNSUPPORTED, what + " has no image for " + host + " (it has " + offered + ")");
  }

  private void fetchLayers(RegistrySession session, String what, List<LayerRecord> layers) throws Exception {
    PullProgress progress = new PullProgress(what);
    progress.layers = layers.size();
    progress.totalBytes = layers.stream().mapToLong(LayerRecord::size).sum();
    Semaphore slots = new Semaphore(settings.maxConcurrentDownloads());
    long interval = settings.progressInterval().toMillis();
    ScheduledFuture<?> logger = timers.scheduleAtFixedRate(() -> LOG.info(progress.line()), interval, interval,
        TimeUnit.MILLISECONDS);
    try {
      List<CompletableFuture<Void>> futures = new ArrayList<>();
      CompletableFuture<Void> below = CompletableFuture.completedFuture(null);
      List<Path> lowerTopFirst = new ArrayList<>();
      for (LayerRecord layer : layers) {
        CompletableFuture<Void> future = layerFuture(session, what, layer, slots, progress,
            new Lower(below, List.copyOf(lowerTopFirst)));
        futures.add(future);
        below = future;
        lowerTopFirst.add(0, snapshots.path(layer.chainIdDigest()));
      }
      try {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
      } catch (CompletionException e) {
        throw unwrap(e);
      }
    } finally {
      logger.cancel(false);
    }
  }

  /** The layers below one layer: done when all of them are committed; their snapshot directories, top first. */
  private record Lower(CompletableFuture<Void> committed, List<Path> snapshotsTopFirst) {}

  /** A layer unpacked into a prepared directory, not yet published. */
  private record Unpacked(Path prepared, Digest chainId, String what, LayerUnpacker.Result result, long started) {}

  private CompletableFuture<Void> layerFuture(RegistrySession session, String what, LayerRecord layer, Semaphore slots,
      PullProgress progress, Lower lower) {
    Digest chainId = layer.chainIdDigest();
    if (snapshots.contains(chainId)) {
      progress.layersDone.incrementAndGet();
      progress.received.addAndGet(layer.size());
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> shared = layersInFlight.putIfAbsent(chainId, mine);
    if (shared != null) {
      return shared.thenRun(progress.layersDone::incrementAndGet);
    }
    workers.execute(() -> {
      try {
        slots.acquire();
        Unpacked unpacked;
        try {
          unpacked = unpackLayer(session, what, layer, progress.received);
        } finally {
          slots.release();
        }
        if (unpacked != null) {
          commitLayer(unpacked, lower);
        }
        progress.layersDone.incrementAndGet();
        // Out of the map before completing, so a retry after a failure fetches afresh.
        layersInFlight.remove(chainId, mine);
        mine.complete(null);
      } catch (Throwable e) {
        layersInFlight.remove(chainId, mine);
        mine.completeExceptionally(e);
      }
    });
    return mine;
  }

  /** Unpacks a layer into a prepared directory (null when its snapshot exists already). */
  private Unpacked unpackLayer(RegistrySession session, String what, LayerRecord layer, AtomicLong received)
      throws IOException {
    Digest blob = layer.blobDigest();
    Digest chainId = layer.chainIdDigest();
    String layerWhat = "layer " + blob + " of " + what;
    if (snapshots.contains(chainId)) {
      received.addAndGet(layer.size());
      return null;
    }
    long started = System.nanoTime();
    Path prepared = snapshots.prepare(chainId);
    try {
      LayerUnpacker.Result result;
      if (content.contains(blob)) {
        try (InputStream stored = Files.newInputStream(content.path(blob))) {
          result = unpackVerified(stored, prepared, Digest.parse(layer.diffId()), layerWhat);
        }
        received.addAndGet(layer.size());
      } else {
        try (Ingest ingest = content.begin(blob, layer.size());
            ReadAhead network = new ReadAhead(guard(session.blob(blob, layerWhat), layerWhat), ingest, received,
                workers)) {
          try {
            result = unpackVerified(network, prepared, Digest.parse(layer.diffId()), layerWhat);
          } catch (ImageStoreException e) {
            if (e.kind() == Kind.BAD_CONTENT) {
              // Garbage from a wrong blob makes a bad tar too: report the digest mismatch if that is the cause.
              network.drain();
              ingest.commit();
            }
            throw e;
          }
          network.drain();
          ingest.commit();
        }
      }
      return new Unpacked(prepared, chainId, layerWhat, result, started);
    } catch (IOException | RuntimeException e) {
      snapshots.discard(prepared);
      throw e;
    }
  }

  /**
   * Publishes an unpacked layer. When the layer created directories only as parents, they
   * are first reconciled with the layers below (see {@link LowerView}), which means waiting
   * until those are committed; the download slot is free by then.
   */
  private void commitLayer(Unpacked unpacked, Lower lower) throws IOException {
    try {
      if (!unpacked.result().implicitDirectories().isEmpty() && !lower.snapshotsTopFirst().isEmpty()) {
        try {
          lower.committed().join();
        } catch (CompletionException e) {
          Exception cause = unwrap(e);
          throw new ImageStoreException(cause instanceof ImageStoreException ise ? ise.kind() : Kind.INTERNAL,
              unpacked.what() + " cannot be published: a layer below it failed: " + cause.getMessage(), cause);
        }
        try {
          new LowerView(lower.snapshotsTopFirst()).reconcile(unpacked.prepared(), unpacked.result().implicitDirectories());
        } catch (ImageStoreException e) {
          throw new ImageStoreException(e.kind(), unpacked.what() + ": " + e.getMessage(), e);
        }
      }
      snapshots.commit(unpacked.prepared(), unpacked.chainId());
      LOG.info("Unpacked {} as snapshot {} in {} ms", unpacked.what(), unpacked.chainId().shortHex(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - unpacked.started()));
    } catch (IOException | RuntimeException e) {
      snapshots.discard(unpacked.prepared());
      throw e;
    }
  }

  private LayerUnpacker.Result unpackVerified(InputStream compressed, Path target, Digest diffId, String what)
      throws IOException {
    Digest actual;
    LayerUnpacker.Result result;
    try {
      UnpackBudget budget = new UnpackBudget(Decompression.open(compressed), settings.unpackLimits(), target);
      DigestingInputStream tar = new DigestingInputStream(budget);
      result = LayerUnpacker.unpack(tar, target, budget::chargeWritten);
      actual = tar.drainAndDigest();
    } catch (ImageStoreException e) {
      throw new ImageStoreException(e.kind(), what + ": " + e.getMessage(), e);
    } catch (java.util.zip.ZipException | com.github.luben.zstd.ZstdIOException e) {
      throw ImageStoreException.badContent(what + " is not a valid compressed stream: " + e.getMessage());
    }
    if (!actual.equals(diffId)) {
      throw ImageStoreException.badContent(what + " unpacks to diff ID " + actual + ", the config says " + diffId);
    }
    return result;
  }

  private InputStream guard(InputStream network, String what) {
    return new StallGuard(network, settings.stallTimeout(), what, timers);
  }

  private static Exception unwrap(CompletionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof UncheckedIOException u) {
      return u.getCause();
    }
    if (cause instanceof Exception ex) {
      return ex;
    }
    return new IllegalStateException(cause);
  }
}
