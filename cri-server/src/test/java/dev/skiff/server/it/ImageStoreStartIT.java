package dev.skiff.server.it;

import static dev.skiff.server.it.ContainerConfigsJson.awaitState;
import static dev.skiff.server.it.ContainerConfigsJson.busybox;
import static dev.skiff.server.it.ContainerConfigsJson.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The image store across a skiffd start, with the real skiffd, crictl and the critest
 * look-alike registry: what a crash left unindexed is collected at start without touching
 * what images or containers use, and pinned_images from the config file are reported.
 */
class ImageStoreStartIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PAUSE_39 = "registry.k8s.io/pause:3.9";
  private static final String PAUSE_310 = "registry.k8s.io/pause:3.10";

  private static List<Path> list(Path dir) throws Exception {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.toList();
    }
  }

  /** How many start-time collections skiffd's log (appended across restarts) reports as done. */
  private static int collections(SkiffdProcess skiffd) {
    return skiffd.logText().split("unreferenced blobs and", -1).length - 1;
  }

  @Test
  void orphansACrashLeftAreCollectedAtStartButNothingAnImageOrContainerUses() throws Exception {
    try (BusyboxSkiffd env = BusyboxSkiffd.start("imgstart", "")) {
      SkiffdProcess skiffd = env.skiffd();
      Path images = skiffd.stateDir().resolve("images");
      Path podConfig = PodConfigs.write(skiffd, "gc", "");
      String pod = skiffd.crictl("runp", podConfig.toString()).orThrow("crictl runp").stdout().strip();
      String sleeper = ContainerConfigsJson.run(skiffd, pod, podConfig, busybox("sleeper", "sleep", "1000"));
      awaitState(skiffd, sleeper, "CONTAINER_RUNNING", 10);
      // The container keeps busybox's layers after its image is removed; pause stays an image.
      skiffd.crictl("pull", PAUSE_39).orThrow("crictl pull pause");
      skiffd.crictl("rmi", CritestRegistry.BUSYBOX).orThrow("crictl rmi busybox");
      List<Path> snapshotsInUse = list(images.resolve("snapshots"));
      List<Path> blobsInUse = list(images.resolve("blobs/sha256"));
      assertTrue(snapshotsInUse.size() >= 2, snapshotsInUse.toString());

      skiffd.kill();
      // What a crash between download and indexing leaves, and torn temp files.
      Path orphanBlob = Files.writeString(images.resolve("blobs/sha256/" + "d".repeat(64)), "verified, never indexed");
      Path orphanSnapshot = images.resolve("snapshots/" + "e".repeat(64));
      Files.createDirectories(orphanSnapshot.resolve("usr/bin"));
      Files.writeString(orphanSnapshot.resolve("usr/bin/tool"), "unpacked, never indexed");
      Path partial = Files.writeString(images.resolve("ingest/" + "a".repeat(64) + "-1.partial"), "half");
      Path tempSnapshot = Files.createDirectories(images.resolve("snapshots/.tmp-" + "b".repeat(64) + "-1/etc"));
      Path tornRecord = Files.writeString(images.resolve("index/.tmp-" + "c".repeat(64) + ".json-1"), "{");
      int collectionsBefore = collections(skiffd);
      skiffd.startAgain();

      // The collection runs on a worker thread once the socket is ready and logs when done.
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (collections(skiffd) == collectionsBefore && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertFalse(Files.exists(orphanSnapshot), "the orphan snapshot is collected:\n" + skiffd.logText());
      assertFalse(Files.exists(orphanBlob), "the orphan blob is collected");
      assertFalse(Files.exists(partial));
      assertFalse(Files.exists(tempSnapshot.getParent()));
      assertFalse(Files.exists(tornRecord));
      assertTrue(skiffd.logText().contains("Collected 1 unreferenced blobs and 1 snapshots at start"),
          skiffd.logText());
      for (Path snapshot : snapshotsInUse) {
        assertTrue(Files.isDirectory(snapshot), "a snapshot in use was collected: " + snapshot);
      }
      for (Path blob : blobsInUse) {
        assertTrue(Files.exists(blob), "a blob of an image was collected: " + blob);
      }

      // The container still runs on its layers, the image still works, and busybox pulls again.
      assertEquals("alive", exec(skiffd, sleeper, "echo", "alive").strip());
      assertTrue(skiffd.crictl("images", "-q").orThrow("crictl images").stdout().contains("sha256:"));
      skiffd.crictl("inspecti", PAUSE_39).orThrow("crictl inspecti pause");
      skiffd.crictl("pull", CritestRegistry.BUSYBOX).orThrow("crictl pull busybox again");
      String again = ContainerConfigsJson.run(skiffd, pod, podConfig, busybox("again", "sleep", "1000"));
      assertEquals("again", exec(skiffd, again, "echo", "again").strip());
      skiffd.crictl("rmp", "-f", pod).orThrow("crictl rmp -f");
    }
  }

  @Test
  void pinnedImagesFromTheConfigFileAreReported() throws Exception {
    String toml = "[image]\npinned_images = [\"" + PAUSE_39 + "\", \"registry.k8s.io/e2e-test-images/*\"]\n";
    try (BusyboxSkiffd env = BusyboxSkiffd.start("imgpin", toml)) {
      SkiffdProcess skiffd = env.skiffd();
      skiffd.crictl("pull", PAUSE_39).orThrow("crictl pull " + PAUSE_39);
      skiffd.crictl("pull", PAUSE_310).orThrow("crictl pull " + PAUSE_310);

      Map<String, Boolean> pinned = new HashMap<>();
      JsonNode listed = JSON.readTree(skiffd.crictl("images", "-o", "json").orThrow("crictl images").stdout());
      for (JsonNode image : listed.path("images")) {
        for (JsonNode tag : image.path("repoTags")) {
          pinned.put(tag.asText(), image.path("pinned").asBoolean());
        }
      }
      assertEquals(Map.of(CritestRegistry.BUSYBOX, true, PAUSE_39, true, PAUSE_310, false), pinned);

      List<Boolean> statuses = new ArrayList<>();
      for (String ref : List.of(CritestRegistry.BUSYBOX, PAUSE_39, PAUSE_310)) {
        JsonNode status = JSON.readTree(skiffd.crictl("inspecti", "-o", "json", ref).orThrow("crictl inspecti " + ref)
            .stdout()).path("status");
        statuses.add(status.path("pinned").asBoolean());
      }
      assertEquals(List.of(true, true, false), statuses, "ImageStatus reports pinned as ListImages does");

      // Across a restart, from the same file.
      skiffd.restart();
      JsonNode after = JSON.readTree(skiffd.crictl("inspecti", "-o", "json", PAUSE_39).orThrow("inspecti").stdout());
      assertTrue(after.path("status").path("pinned").asBoolean(), after.toString());
    }
  }
}
