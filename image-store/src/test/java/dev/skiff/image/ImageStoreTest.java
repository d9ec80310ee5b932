package dev.skiff.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.image.ImageStoreException.Kind;
import dev.skiff.image.ref.Digest;
import dev.skiff.image.registry.Credentials;
import dev.skiff.image.testing.FakeRegistry;
import dev.skiff.image.testing.FakeRegistry.Fault;
import dev.skiff.image.testing.FakeRegistry.TestImage;
import dev.skiff.image.testing.TarBuilder;
import dev.skiff.image.unpack.FileSystemCalls;
import dev.skiff.image.unpack.UnpackBudget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pull path against an in-process registry on loopback. */
class ImageStoreTest {
  @TempDir
  Path root;
  FakeRegistry registry;
  ImageStore store;

  private static final byte[] BASE = new TarBuilder().dir("bin", 0755)
      .file("bin/busybox", "#!busybox".getBytes(StandardCharsets.UTF_8), 0755, 0, 0, Map.of())
      .symlink("bin/sh", "busybox").hardlink("bin/ls", "bin/busybox")
      .dir("etc", 0755).file("etc/motd", "hello").dir("var/cache", 0755).file("var/cache/old", "o").build();
  private static final byte[] TOP = new TarBuilder().file("etc/.wh.motd", "").file("var/cache/.wh..wh..opq", "")
      .file("var/cache/new", "n").dir("work", 0755).build();

  @BeforeEach
  void start() throws IOException {
    registry = new FakeRegistry();
    store = open(Duration.ofSeconds(5));
  }

  private ImageStore open(Duration stall) throws IOException {
    return ImageStore.open(new ImageStoreSettings(root, Map.of(), Set.of(registry.host()), stall, 3,
        Duration.ofSeconds(1)), SnapshotUsers.NONE);
  }

  @AfterEach
  void stop() {
    store.close();
    registry.close();
  }

  private Image pull(String ref) throws Exception {
    return pull(ref, Credentials.ANONYMOUS);
  }

  private Image pull(String ref, Credentials credentials) throws Exception {
    try {
      return store.pull(ref, credentials).get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private ImageStoreException pullFails(String ref, Credentials credentials) {
    return assertThrows(ImageStoreException.class, () -> pull(ref, credentials));
  }

  private long countFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> !p.equals(dir)).count();
    }
  }

  @Test
  void pullsAnImageIntoSnapshotsAndTheIndex() throws Exception {
    TestImage pushed = registry.push("tools/box", "v1", "1000:1000", List.of(BASE, TOP));
    String ref = registry.host() + "/tools/box:v1";

    Image image = pull(ref);

    assertEquals(pushed.config().toString(), image.id());
    assertEquals(List.of(ref), image.repoTags());
    assertEquals(List.of(registry.host() + "/tools/box@" + pushed.manifest()), image.repoDigests());
    assertEquals(1000L, image.user().uid());
    assertEquals(List.of("/bin/sh"), image.config().entrypoint());
    assertEquals(List.of("-c", "echo hi"), image.config().cmd());
    assertEquals("/work", image.config().workingDir());
    assertEquals(List.of("PATH=/bin"), image.config().env());

    ImageRootfs rootfs = store.rootfs(ref);
    assertEquals(2, rootfs.layers().size());
    Path top = rootfs.layers().get(0);
    Path base = rootfs.layers().get(1);
    assertEquals("#!busybox", Files.readString(base.resolve("bin/busybox")));
    assertEquals(Path.of("busybox"), Files.readSymbolicLink(base.resolve("bin/sh")));
    assertEquals(Files.getAttribute(base.resolve("bin/busybox"), "unix:ino"), Files.getAttribute(base.resolve("bin/ls"), "unix:ino"));
    assertEquals(0020000, (Integer) Files.getAttribute(top.resolve("etc/motd"), "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000);
    assertEquals("y", new String(FileSystemCalls.lgetxattr(top.resolve("var/cache"), "trusted.overlay.opaque")));
    assertEquals(0, countFiles(root.resolve("ingest")));

    assertEquals(image.id(), store.find(pushed.config().toString().substring(7, 19)).orElseThrow().id());
    assertEquals(image.id(), store.find(registry.host() + "/tools/box@" + pushed.manifest()).orElseThrow().id());
  }

  @Test
  void indexSurvivesRestart() throws Exception {
    TestImage pushed = registry.push("tools/box", "v1", "app", List.of(BASE));
    pull(registry.host() + "/tools/box:v1");
    store.close();
    store = open(Duration.ofSeconds(5));
    Image image = store.find(registry.host() + "/tools/box:v1").orElseThrow();
    assertEquals(pushed.config().toString(), image.id());
    assertEquals("app", image.user().username());
    assertTrue(Files.isDirectory(store.rootfs(image.id()).layers().get(0).resolve("bin")));
  }

  @Test
  void picksTheHostPlatformFromAnIndex() throws Exception {
    TestImage amd64 = registry.push("multi", null, "", List.of(BASE));
    byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
        + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + "0".repeat(64)
        + "\",\"size\":10,\"platform\":{\"os\":\"linux\",\"architecture\":\"s390x\"}},"
        + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + amd64.manifest()
        + "\",\"size\":10,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}").getBytes(StandardCharsets.UTF_8);
    Digest indexDigest = registry.putManifest("multi", "latest", index, "application/vnd.oci.image.index.v1+json");
    Image image = pull(registry.host() + "/multi");
    assertEquals(amd64.config().toString(), image.id());
    assertEquals(List.of(registry.host() + "/multi@" + indexDigest), image.repoDigests());
  }

  @Test
  void refusesSchema1() {
    registry.putManifest("old", "latest", "{\"schemaVersion\":1,\"name\":\"old\",\"fsLayers\":[]}".getBytes(),
        "application/vnd.docker.distribution.manifest.v1+prettyjws");
    ImageStoreException e = pullFails(registry.host() + "/old", Credentials.ANONYMOUS);
    assertEquals(Kind.UNSUPPORTED, e.kind());
    assertTrue(e.getMessage().contains("schema1"), e.getMessage());
  }

  @Test
  void oversizedManifestIsRefusedBeforeItIsParsed() throws Exception {
    byte[] huge = new byte[4 * 1024 * 1024 + 1];
    java.util.Arrays.fill(huge, (byte) ' ');
    huge[0] = '{';
    huge[huge.length - 1] = '}';
    registry.putManifest("huge", "latest", huge, "application/vnd.oci.image.manifest.v1+json");
    ImageStoreException e = pullFails(registry.host() + "/huge", Credentials.ANONYMOUS);
    assertTrue(e.getMessage().contains("larger than 4 MiB"), e.getMessage());
    assertTrue(store.list().isEmpty());
  }

  @Test
  void aConfigDeclaredLargerThan4MiBIsRefusedBeforeItIsFetched() throws Exception {
    Digest config = Digest.of("a config that is never served".getBytes(StandardCharsets.UTF_8));
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
        + "\",\"size\":5000000000},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
    registry.putManifest("bigconfig", "v1", manifest, "application/vnd.oci.image.manifest.v1+json");
    ImageStoreException e = pullFails(registry.host() + "/bigconfig:v1", Credentials.ANONYMOUS);
    assertEquals(Kind.BAD_CONTENT, e.kind());
    assertTrue(e.getMessage().contains(config.toString()) && e.getMessage().contains("4 MiB"), e.getMessage());
    assertEquals(0, registry.blobRequests(config));
    assertEquals(0, countFiles(root.resolve("ingest")));
  }

  @Test
  void malformedManifestsAreRefusedAndLeaveNothing() throws Exception {
    String[] bodies = {
        "not json at all",
        "{\"schemaVersion\":2}",
        "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:nothex\",\"size\":1},\"layers\":[]}",
        "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" + "a".repeat(64) + "\",\"size\":-5},\"layers\":[]}",
        "[1,2,3]"};
    for (int i = 0; i < bodies.length; i++) {
      registry.putManifest("bad" + i, "latest", bodies[i].getBytes(), "application/vnd.oci.image.manifest.v1+json");
      String ref = registry.host() + "/bad" + i;
      ImageStoreException e = pullFails(ref, Credentials.ANONYMOUS);
      assertTrue(e.getMessage().contains("bad" + i), "message should name the image: " + e.getMessage());
    }
    assertTrue(store.list().isEmpty());
  }

  @Test
  void unknownTagIsNotFoundNamingTheReference() {
    ImageStoreException e = pullFails(registry.host() + "/nothing:here", Credentials.ANONYMOUS);
    assertEquals(Kind.NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains(registry.host() + "/nothing:here"), e.getMessage());
  }

  @Test
  void malformedReferenceIsInvalid() {
    ImageStoreException e = assertThrows(ImageStoreException.class, () -> store.pull("UPPER:case", Credentials.ANONYMOUS));
    assertEquals(Kind.INVALID, e.kind());
  }

  @Test
  void bearerTokenFlowWithCredentials() throws Exception {
    registry.push("private/box", "v1", "", List.of(BASE));
    registry.requireAuth("alice", "s3cret");
    String ref = registry.host() + "/private/box:v1";

    ImageStoreException anonymous = pullFails(ref, Credentials.ANONYMOUS);
    assertEquals(Kind.AUTHENTICATION, anonymous.kind());
    ImageStoreException wrong = pullFails(ref, new Credentials("alice", "wrong", "", "", ""));
    assertEquals(Kind.AUTHENTICATION, wrong.kind());
    assertTrue(wrong.getMessage().contains("authentication failed for registry " + registry.host()), wrong.getMessage());

    String auth = java.util.Base64.getEncoder().encodeToString("alice:s3cret".getBytes());
    assertTrue(pull(ref, new Credentials("", "", auth, "", "")).id().startsWith("sha256:"));
    store.remove(ref);
    assertTrue(pull(ref, new Credentials("alice", "s3cret", "", "", "")).id().startsWith("sha256:"));
  }

  @Test
  void aHostileTokenServiceCannotFillTheHeapOrAnswerGarbage() throws Exception {
    registry.push("private/box", "v1", "", List.of(BASE));
    registry.requireAuth("alice", "s3cret");
    String ref = registry.host() + "/private/box:v1";
    Credentials alice = new Credentials("alice", "s3cret", "", "", "");
    byte[] huge = new byte[2 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) ' ');
    registry.answerTokensWith(huge);
    ImageStoreException e = pullFails(ref, alice);
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().contains("more than 1 MiB"), e.getMessage());
    registry.answerTokensWith("<html>login</html>".getBytes(StandardCharsets.UTF_8));
    e = pullFails(ref, alice);
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().contains("not JSON"), e.getMessage());
    registry.answerTokensWith(null);
    assertTrue(pull(ref, alice).id().startsWith("sha256:"));
  }

  @Test
  void corruptBlobFailsThePullAndLeavesNoTrace() throws Exception {
    TestImage pushed = registry.push("bad", "v1", "", List.of(BASE));
    registry.fault(pushed.layers().get(0), Fault.CORRUPT);
    ImageStoreException e = pullFails(registry.host() + "/bad:v1", Credentials.ANONYMOUS);
    assertEquals(Kind.BAD_CONTENT, e.kind());
    assertFalse(Files.exists(root.resolve("blobs/sha256/" + pushed.layers().get(0).hex())));
    assertEquals(0, countFiles(root.resolve("ingest")));
    assertEquals(0, countFiles(root.resolve("snapshots")));
    assertTrue(store.list().isEmpty());
  }

  @Test
  void registryDyingMidPullFailsAndARetryReusesVerifiedBlobs() throws Exception {
    byte[] big = new TarBuilder().file("big", new byte[2_000_000], 0644, 0, 0, Map.of()).build();
    TestImage pushed = registry.push("flaky", "v1", "", List.of(BASE, big));
    Digest good = pushed.layers().get(0);
    Digest broken = pushed.layers().get(1);
    registry.fault(broken, Fault.DISCONNECT_HALFWAY);
    ImageStoreException e = pullFails(registry.host() + "/flaky:v1", Credentials.ANONYMOUS);
    assertEquals(Kind.UNAVAILABLE, e.kind(), e.getMessage());
    assertEquals(0, countFiles(root.resolve("ingest")));

    registry.fault(broken, null);
    pull(registry.host() + "/flaky:v1");
    assertEquals(1, registry.blobRequests(good), "the verified layer is not fetched again");
    assertEquals(2, registry.blobRequests(broken));
  }

  @Test
  void stallTimeoutFiresWhenNoBytesArrive() throws Exception {
    store.close();
    store = open(Duration.ofSeconds(1));
    byte[] big = new TarBuilder().file("big", new byte[1_000_000], 0644, 0, 0, Map.of()).build();
    TestImage pushed = registry.push("slow", "v1", "", List.of(big));
    registry.fault(pushed.layers().get(0), Fault.STALL);
    long started = System.nanoTime();
    ImageStoreException e = pullFails(registry.host() + "/slow:v1", Credentials.ANONYMOUS);
    assertEquals(Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().contains("no data received for 1s"), e.getMessage());
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20));
  }

  @Test
  void hostileLayerFailsThePullAndTouchesNothingOutside() throws Exception {
    Path outside = Files.createDirectories(root.getParent().resolve(root.getFileName() + "-outside"));
    try {
      byte[] hostile = new TarBuilder().symlink("escape", outside.toString()).file("escape/pwned", "x").build();
      registry.push("hostile", "v1", "", List.of(hostile));
      ImageStoreException e = pullFails(registry.host() + "/hostile:v1", Credentials.ANONYMOUS);
      assertEquals(Kind.BAD_CONTENT, e.kind());
      assertTrue(e.getMessage().contains("escape/pwned"), e.getMessage());
      assertEquals(0, countFiles(outside));
      assertEquals(0, countFiles(root.resolve("snapshots")));
    } finally {
      Files.deleteIfExists(outside);
    }
  }

  @Test
  void identicalConcurrentPullsShareOneDownload() throws Exception {
    TestImage pushed = registry.push("shared", "v1", "", List.of(BASE, TOP));
    String ref = registry.host() + "/shared:v1";
    CompletableFuture<Image> first = store.pull(ref, Credentials.ANONYMOUS);
    CompletableFuture<Image> second = store.pull(ref, Credentials.ANONYMOUS);
    assertEquals(first.get(30, TimeUnit.SECONDS).id(), second.get(30, TimeUnit.SECONDS).id());
    for (Digest layer : pushed.layers()) {
      assertEquals(1, registry.blobRequests(layer));
    }
  }

  @Test
  void removeDeletesTheImageWithAllTagsAndUnsharedContent() throws Exception {
    TestImage a = registry.push("a", "v1", "", List.of(BASE, TOP));
    TestImage b = registry.push("b", "v1", "", List.of(BASE));
    pull(registry.host() + "/a:v1");
    pull(registry.host() + "/b:v1");
    Path sharedBase = store.rootfs(registry.host() + "/b:v1").layers().get(0);
    Path topOfA = store.rootfs(registry.host() + "/a:v1").layers().get(0);

    assertTrue(store.remove(registry.host() + "/a:v1"));
    assertFalse(store.find(registry.host() + "/a:v1").isPresent());
    assertFalse(store.find(a.config().toString()).isPresent());
    assertFalse(Files.exists(topOfA));
    assertTrue(Files.isDirectory(sharedBase), "the base layer b still uses is kept");
    assertFalse(Files.exists(root.resolve("blobs/sha256/" + a.config().hex())));
    assertFalse(Files.exists(root.resolve("blobs/sha256/" + a.manifest().hex())));
    assertTrue(Files.exists(root.resolve("blobs/sha256/" + b.config().hex())));
    assertFalse(store.remove(registry.host() + "/a:v1"), "removing an absent image reports false, not an error");
  }

  @Test
  void snapshotsHeldByContainersSurviveRemoval() throws Exception {
    registry.push("held", "v1", "", List.of(BASE));
    pull(registry.host() + "/held:v1");
    Path layer = store.rootfs(registry.host() + "/held:v1").layers().get(0);
    store.close();
    store = ImageStore.open(new ImageStoreSettings(root, Map.of(), Set.of(registry.host()), Duration.ofSeconds(5), 3,
        Duration.ofSeconds(1)), () -> Set.of(layer));
    assertTrue(store.remove(registry.host() + "/held:v1"));
    assertTrue(Files.isDirectory(layer));
  }

  @Test
  void usageCountsTheStore() throws Exception {
    registry.push("u", "v1", "", List.of(BASE));
    StoreUsage empty = store.usage();
    pull(registry.host() + "/u:v1");
    StoreUsage used = store.usage();
    assertEquals(root, used.mountpoint());
    assertTrue(used.usedBytes() > empty.usedBytes());
    assertTrue(used.inodesUsed() > empty.inodesUsed() + 5);
  }

  @Test
  void mirrorsServeAnotherRegistrysNames() throws Exception {
    TestImage pushed = registry.push("e2e-test-images/busybox", "1.29-2", "", List.of(BASE));
    store.close();
    store = ImageStore.open(new ImageStoreSettings(root,
        Map.of("registry.k8s.io", new dev.skiff.image.registry.RegistryHost(
            List.of(java.net.URI.create("http://" + registry.host())), false, false, null)),
        Set.of(), Duration.ofSeconds(5), 3, Duration.ofSeconds(1)), SnapshotUsers.NONE);
    Image image = pull("registry.k8s.io/e2e-test-images/busybox:1.29-2");
    assertEquals(pushed.config().toString(), image.id());
    assertEquals(List.of("registry.k8s.io/e2e-test-images/busybox:1.29-2"), image.repoTags());
  }

  @Test
  void dockerSchema2ManifestListWorksLikeAnOciIndex() throws Exception {
    TestImage amd64 = registry.push("docker-list", null, "", List.of(BASE));
    byte[] list = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\","
        + "\"manifests\":[{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"digest\":\""
        + amd64.manifest() + "\",\"size\":10,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}")
        .getBytes(StandardCharsets.UTF_8);
    registry.putManifest("docker-list", "v1", list, "application/vnd.docker.distribution.manifest.list.v2+json");
    assertEquals(amd64.config().toString(), pull(registry.host() + "/docker-list:v1").id());
  }

  @Test
  void anIndexWithoutTheHostPlatformIsRefusedNamingWhatItHas() {
    byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
        + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + "1".repeat(64)
        + "\",\"size\":10,\"platform\":{\"os\":\"windows\",\"architecture\":\"amd64\"}}]}")
        .getBytes(StandardCharsets.UTF_8);
    registry.putManifest("windows-only", "v1", index, "application/vnd.oci.image.index.v1+json");
    ImageStoreException e = pullFails(registry.host() + "/windows-only:v1", Credentials.ANONYMOUS);
    assertEquals(Kind.UNSUPPORTED, e.kind());
    assertTrue(e.getMessage().contains("windows/amd64"), e.getMessage());
  }

  @Test
  void openingDeletesWhatACrashLeftHalfDone() throws Exception {
    registry.push("crash", "v1", "", List.of(BASE));
    pull(registry.host() + "/crash:v1");
    store.close();
    Files.writeString(root.resolve("ingest/" + "a".repeat(64) + "-1.partial"), "half a blob");
    Path halfSnapshot = Files.createDirectories(root.resolve("snapshots/.tmp-" + "b".repeat(64) + "-1/etc"));
    Files.createDirectories(root.resolve("snapshots/.trash-" + "c".repeat(64) + "-1/usr"));
    store = open(Duration.ofSeconds(5));
    assertEquals(0, countFiles(root.resolve("ingest")));
    assertFalse(Files.exists(halfSnapshot.getParent()));
    try (Stream<Path> snapshots = Files.list(root.resolve("snapshots"))) {
      assertTrue(snapshots.allMatch(p -> p.getFileName().toString().matches("[a-f0-9]{64}")));
    }
    assertTrue(store.find(registry.host() + "/crash:v1").isPresent());
  }

  @Test
  void rootfsOfAnAbsentImageIsNotFound() {
    ImageStoreException e = assertThrows(ImageStoreException.class, () -> store.rootfs("nothing:here"));
    assertEquals(Kind.NOT_FOUND, e.kind());
    assertInstanceOf(ImageStoreException.class, e);
  }

  private ImageStore openWith(UnpackBudget.Limits limits, List<String> pinned, SnapshotUsers users) throws IOException {
    store.close();
    store = ImageStore.open(new ImageStoreSettings(root, Map.of(), Set.of(registry.host()), Duration.ofSeconds(5), 3,
        Duration.ofSeconds(1), limits, pinned), users);
    return store;
  }

  private void assertNoSnapshotOrIngestLeft() throws IOException {
    assertEquals(0, countFiles(root.resolve("snapshots")), "the partial snapshot is removed");
    assertEquals(0, countFiles(root.resolve("ingest")));
  }

  @Test
  void aDecompressionBombStopsAtTheCapNamingTheLayerAndLeavesNothing() throws Exception {
    openWith(new UnpackBudget.Limits(4L << 20, 0), List.of(), SnapshotUsers.NONE);
    byte[] bomb = new TarBuilder().file("zeros", new byte[64 << 20], 0644, 0, 0, Map.of()).build();
    TestImage pushed = registry.push("bomb", "v1", "", List.of(bomb));
    ImageStoreException e = pullFails(registry.host() + "/bomb:v1", Credentials.ANONYMOUS);
    assertEquals(Kind.RESOURCE_EXHAUSTED, e.kind());
    assertTrue(e.getMessage().contains(pushed.layers().get(0).toString()), e.getMessage());
    assertTrue(e.getMessage().contains("max_layer_unpacked_bytes"), e.getMessage());
    assertNoSnapshotOrIngestLeft();
    assertTrue(store.list().isEmpty());
  }

  @Test
  void unpackingStopsWhenFreeSpaceFallsBelowTheReserve() throws Exception {
    long total = Files.getFileStore(root).getTotalSpace();
    openWith(new UnpackBudget.Limits(Long.MAX_VALUE, total + 1), List.of(), SnapshotUsers.NONE);
    TestImage pushed = registry.push("full", "v1", "", List.of(BASE));
    ImageStoreException e = pullFails(registry.host() + "/full:v1", Credentials.ANONYMOUS);
    assertEquals(Kind.RESOURCE_EXHAUSTED, e.kind());
    assertTrue(e.getMessage().contains(pushed.layers().get(0).toString())
        && e.getMessage().contains("free_space_reserve_bytes"), e.getMessage());
    assertNoSnapshotOrIngestLeft();
  }

  @Test
  void orphansACrashLeftBeforeIndexingAreCollectedButNothingInUse() throws Exception {
    TestImage kept = registry.push("kept", "v1", "", List.of(BASE, TOP));
    pull(registry.host() + "/kept:v1");
    Path orphanBlob = root.resolve("blobs/sha256/" + "d".repeat(64));
    Files.writeString(orphanBlob, "a blob downloaded before a crash");
    Path orphanSnapshot = Files.createDirectories(root.resolve("snapshots/" + "e".repeat(64) + "/usr/bin"))
        .getParent().getParent();
    Path containerSnapshot = Files.createDirectories(root.resolve("snapshots/" + "f".repeat(64) + "/etc")).getParent();
    ImageStore reopened = openWith(UnpackBudget.Limits.NONE, List.of(), () -> Set.of(containerSnapshot));

    ImageStore.Collected collected = reopened.collectGarbageInBackground().get(30, TimeUnit.SECONDS);

    assertEquals(new ImageStore.Collected(1, 1), collected);
    assertFalse(Files.exists(orphanBlob));
    assertFalse(Files.exists(orphanSnapshot));
    assertTrue(Files.isDirectory(containerSnapshot), "a snapshot a container uses stays");
    ImageRootfs rootfs = reopened.rootfs(registry.host() + "/kept:v1");
    assertEquals("#!busybox", Files.readString(rootfs.layers().get(1).resolve("bin/busybox")));
    assertTrue(Files.exists(root.resolve("blobs/sha256/" + kept.config().hex())));
  }

  @Test
  void pinnedImagesMatchExactReferencesAndTrailingGlobs() throws Exception {
    registry.push("pause", "3.9", "", List.of(BASE));
    registry.push("apps/web", "v1", "", List.of(TOP));
    registry.push("other", "v1", "", List.of(BASE, TOP));
    openWith(UnpackBudget.Limits.NONE, List.of(registry.host() + "/pause:3.9", registry.host() + "/apps/*"),
        SnapshotUsers.NONE);
    assertTrue(pull(registry.host() + "/pause:3.9").pinned());
    assertTrue(pull(registry.host() + "/apps/web:v1").pinned());
    assertFalse(pull(registry.host() + "/other:v1").pinned());
    assertTrue(store.find(registry.host() + "/pause:3.9").orElseThrow().pinned());
    ImageStoreException e = assertThrows(ImageStoreException.class, () -> new PinnedImages(List.of("a*b")));
    assertEquals(Kind.INVALID, e.kind());
  }

  @Test
  void aLayerImplyingADirectoryOverALowerSymlinkIsRefused() throws Exception {
    byte[] base = new TarBuilder().dir("usr/lib", 0755).symlink("lib", "usr/lib").dir("tmp", 01777).build();
    byte[] through = new TarBuilder().file("lib/libfoo.so", "elf").build();
    TestImage pushed = registry.push("usrmerge", "v1", "", List.of(base, through));
    ImageStoreException e = pullFails(registry.host() + "/usrmerge:v1", Credentials.ANONYMOUS);
    assertEquals(Kind.BAD_CONTENT, e.kind());
    assertTrue(e.getMessage().contains(pushed.layers().get(1).toString()) && e.getMessage().contains("lib/libfoo.so"),
        e.getMessage());
    try (Stream<Path> snapshots = Files.list(root.resolve("snapshots"))) {
      assertEquals(1, snapshots.count(), "only the base layer's snapshot is published");
    }

    byte[] intoTmp = new TarBuilder().file("tmp/cache", "c").build();
    registry.push("tmp", "v1", "", List.of(base, intoTmp));
    ImageRootfs rootfs = store.rootfs(pull(registry.host() + "/tmp:v1").id());
    assertEquals(01777, (Integer) Files.getAttribute(rootfs.layers().get(0).resolve("tmp"), "unix:mode") & 07777,
        "a directory implied by tmp/cache keeps the lower tmp's mode in the overlay");
  }

  @Test
  void collectionNeverTouchesWhatAPullInFlightHolds() throws Exception {
    byte[] big = new TarBuilder().file("big", new byte[1_000_000], 0644, 0, 0, Map.of()).build();
    TestImage pushed = registry.push("inflight", "v1", "", List.of(BASE, big));
    registry.fault(pushed.layers().get(1), Fault.STALL);
    Path config = root.resolve("blobs/sha256/" + pushed.config().hex());
    Path baseBlob = root.resolve("blobs/sha256/" + pushed.layers().get(0).hex());
    Path baseSnapshot = root.resolve("snapshots/" + Digest.of(BASE).hex());
    CompletableFuture<Image> pull = store.pull(registry.host() + "/inflight:v1", Credentials.ANONYMOUS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!(Files.exists(config) && Files.exists(baseBlob) && Files.isDirectory(baseSnapshot))
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(Files.isDirectory(baseSnapshot), "the base layer is unpacked while the top one stalls");
    Path orphan = Files.writeString(root.resolve("blobs/sha256/" + "9".repeat(64)), "orphan");

    ImageStore.Collected collected = store.collectGarbage();

    assertEquals(new ImageStore.Collected(1, 0), collected, "only the orphan goes");
    assertFalse(Files.exists(orphan));
    assertTrue(Files.exists(config) && Files.exists(baseBlob));
    assertTrue(Files.isDirectory(baseSnapshot), "the committed base snapshot of the running pull stays");
    pull.cancel(true);
  }
}
