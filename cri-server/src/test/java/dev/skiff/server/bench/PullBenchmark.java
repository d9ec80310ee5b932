package dev.skiff.server.bench;

import dev.skiff.image.Image;
import dev.skiff.image.ImageStore;
import dev.skiff.image.ImageStoreSettings;
import dev.skiff.image.SnapshotUsers;
import dev.skiff.image.content.ContentStore;
import dev.skiff.image.ref.Digest;
import dev.skiff.image.registry.Credentials;
import dev.skiff.image.registry.RegistryEndpoint;
import dev.skiff.image.registry.RegistrySession;
import dev.skiff.image.registry.RegistryTransports;
import dev.skiff.image.snapshot.SnapshotStore;
import dev.skiff.image.unpack.Decompression;
import dev.skiff.image.unpack.LayerUnpacker;
import dev.skiff.server.it.OciLayoutImage;
import dev.skiff.server.it.OciLayoutImage.Compression;
import dev.skiff.server.it.OciLayoutImage.Written;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Benchmark (not a test): pull a generated ~200 MB, 5-layer image from a local
 * docker-registry into an empty store, and print median and p90 MB/s of
 *   download+verify  (layers into the content store, 3 at a time, as a pull does),
 *   unpack           (stored layers into snapshots, 3 at a time),
 *   streaming pull   (what skiff really does: both at once, one pass),
 * and skopeo copy of the same image to a local dir as the peer baseline.
 * Must run inside a private network namespace with loopback up (bin/bench-pull does that);
 * it starts docker-registry on 127.0.0.1:5000 there.
 */
public final class PullBenchmark {
  private static final int LAYERS = 5;
  private static final int FILES_PER_LAYER = 60;
  private static final int FILE_BYTES = 1 << 20;
  private static final String HOST = "127.0.0.1:5000";
  private static final String REPO = "bench/big";

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path work = Files.createTempDirectory("skiff-bench-pull-");
    Process registry = null;
    try {
      System.out.println("Generating a " + LAYERS + "-layer image ...");
      Written image = generate(work.resolve("layout"));
      long compressed = 0;
      for (Digest layer : image.layers()) {
        compressed += Files.size(work.resolve("layout/blobs/sha256/" + layer.hex()));
      }
      long uncompressed = (long) LAYERS * FILES_PER_LAYER * FILE_BYTES;
      System.out.printf("Image: %d layers, %.0f MB compressed, %.0f MB of files%n", LAYERS, compressed / 1e6,
          uncompressed / 1e6);
      registry = startRegistry(work.resolve("registry"));
      run(List.of("skopeo", "copy", "--quiet", "--preserve-digests", "--dest-tls-verify=false",
          "oci:" + work.resolve("layout") + ":latest", "docker://" + HOST + "/" + REPO + ":v1"));

      List<Double> download = new ArrayList<>();
      List<Double> unpack = new ArrayList<>();
      List<Double> streaming = new ArrayList<>();
      List<Double> skopeo = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        Path store = Files.createDirectories(work.resolve("run-" + i));
        double[] phases = downloadThenUnpack(store, image);
        download.add(compressed / 1e6 / phases[0]);
        unpack.add(uncompressed / 1e6 / phases[1]);
        deleteTree(store);

        Path pullStore = work.resolve("pull-" + i);
        streaming.add(compressed / 1e6 / streamingPull(pullStore));
        deleteTree(pullStore);

        Path dir = work.resolve("skopeo-" + i);
        long started = System.nanoTime();
        run(List.of("skopeo", "copy", "--quiet", "--src-tls-verify=false", "docker://" + HOST + "/" + REPO + ":v1",
            "dir:" + dir));
        skopeo.add(compressed / 1e6 / seconds(started));
        deleteTree(dir);
        System.out.printf("Run %d: download+verify %.0f MB/s, unpack %.0f MB/s, streaming pull %.0f MB/s, skopeo %.0f MB/s%n",
            i + 1, download.get(i), unpack.get(i), streaming.get(i), skopeo.get(i));
      }
      System.out.printf("%nPull of %.0f MB (%d layers), %d runs, MB/s (median / p90 of the slowest):%n",
          compressed / 1e6, LAYERS, runs);
      report("skiff download+verify (compressed MB/s)", download);
      report("skiff unpack (uncompressed MB/s)", unpack);
      report("skiff streaming pull, end to end (compressed MB/s)", streaming);
      report("skopeo copy to dir, download+verify (compressed MB/s)", skopeo);
    } finally {
      if (registry != null) {
        registry.destroyForcibly().waitFor();
      }
      deleteTree(work);
    }
  }

  /** Phase timings in seconds: [download+verify, unpack]. */
  private static double[] downloadThenUnpack(Path root, Written image) throws Exception {
    ContentStore content = new ContentStore(root);
    SnapshotStore snapshots = new SnapshotStore(root.resolve("snapshots"));
    RegistryTransports transports = new RegistryTransports(Map.of(), Set.of(HOST), Duration.ofSeconds(30));
    RegistryEndpoint endpoint = transports.endpoints(HOST).get(0);
    RegistrySession session = new RegistrySession(endpoint, REPO, Credentials.ANONYMOUS, Duration.ofSeconds(30));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      long started = System.nanoTime();
      List<Future<?>> downloads = new ArrayList<>();
      for (Digest layer : image.layers()) {
        downloads.add(pool.submit(() -> content.fetch(layer, -1, () -> session.blob(layer, "layer " + layer))));
      }
      for (Future<?> f : downloads) {
        f.get();
      }
      double download = seconds(started);
      started = System.nanoTime();
      List<Future<?>> unpacks = new ArrayList<>();
      Digest chain = null;
      for (int i = 0; i < image.layers().size(); i++) {
        Digest layer = image.layers().get(i);
        chain = SnapshotStore.chainId(chain, image.diffIds().get(i));
        Digest chainId = chain;
        unpacks.add(pool.submit(() -> {
          Path dir = snapshots.prepare(chainId);
          try (InputStream in = Decompression.open(Files.newInputStream(content.path(layer)))) {
            LayerUnpacker.unpack(in, dir);
          }
          return snapshots.commit(dir, chainId);
        }));
      }
      for (Future<?> f : unpacks) {
        f.get();
      }
      return new double[] {download, seconds(started)};
    } finally {
      pool.shutdownNow();
    }
  }

  private static double streamingPull(Path root) throws Exception {
    try (ImageStore store = ImageStore.open(new ImageStoreSettings(root, Map.of(), Set.of(HOST), Duration.ofSeconds(30),
        3, Duration.ofSeconds(60)), SnapshotUsers.NONE)) {
      long started = System.nanoTime();
      Image image = store.pull(HOST + "/" + REPO + ":v1", Credentials.ANONYMOUS).get(10, TimeUnit.MINUTES);
      double elapsed = seconds(started);
      if (store.rootfs(image.id()).layers().size() != LAYERS) {
        throw new IllegalStateException("pulled image has the wrong number of layers");
      }
      return elapsed;
    }
  }

  /** Files of 1 MiB: 60% random bytes, 40% text, so layers compress about as much as real ones do. */
  private static Written generate(Path layout) throws IOException {
    Random random = new Random(1);
    OciLayoutImage image = new OciLayoutImage();
    byte[] text = "the quick brown fox jumps over the lazy dog 0123456789\n".repeat(FILE_BYTES / 50)
        .getBytes(StandardCharsets.UTF_8);
    for (int l = 0; l < LAYERS; l++) {
      OciLayoutImage.Layer layer = image.layer(Compression.GZIP).dir("data" + l, 0755);
      for (int f = 0; f < FILES_PER_LAYER; f++) {
        byte[] content = new byte[FILE_BYTES];
        int randomPart = FILE_BYTES * 6 / 10;
        byte[] noise = new byte[randomPart];
        random.nextBytes(noise);
        System.arraycopy(noise, 0, content, 0, randomPart);
        System.arraycopy(text, 0, content, randomPart, FILE_BYTES - randomPart);
        layer.file("data" + l + "/file" + f, content, 0644, 0, 0);
      }
    }
    return image.write(layout, "{\"Cmd\":[\"/bin/sh\"]}");
  }

  private static Process startRegistry(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("config.yml"), """
        version: 0.1
        log:
          level: error
          accesslog:
            disabled: true
        storage:
          filesystem:
            rootdirectory: %s
        http:
          addr: %s
        """.formatted(dir.resolve("data"), HOST));
    Process process = new ProcessBuilder("/usr/bin/docker-registry", "serve", dir.resolve("config.yml").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
    for (int i = 0; i < 300; i++) {
      if (new ProcessBuilder("curl", "-sf", "-o", "/dev/null", "http://" + HOST + "/v2/").start().waitFor() == 0) {
        return process;
      }
      Thread.sleep(100);
    }
    process.destroyForcibly();
    throw new IllegalStateException("docker-registry did not start; is this running inside a netns with lo up?");
  }

  private static void run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).inheritIO().start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue());
    }
  }

  private static void report(String what, List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    // For a rate, the p90 run is the one slower than 90% of runs: the 10th percentile of MB/s.
    double p90 = sorted.get((int) Math.floor(0.1 * (sorted.size() - 1)));
    System.out.printf("  %-55s median %6.0f   p90 %6.0f%n", what, median, p90);
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) walk.sorted(Collections.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    }
  }
}
