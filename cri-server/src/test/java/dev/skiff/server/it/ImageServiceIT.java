package dev.skiff.server.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.cri.v1.ImageSpec;
import dev.skiff.cri.v1.ImageStatusRequest;
import dev.skiff.cri.v1.RemoveImageRequest;
import dev.skiff.image.ref.Digest;
import dev.skiff.image.snapshot.SnapshotStore;
import dev.skiff.image.unpack.FileSystemCalls;
import dev.skiff.server.it.OciLayoutImage.Compression;
import dev.skiff.server.it.OciLayoutImage.Written;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ImageService end to end: images built here from Debian's busybox-static, pushed with
 * skopeo to Debian's docker-registry, pulled, listed, inspected and removed with crictl
 * through the real skiffd, all inside a private network namespace.
 */
class ImageServiceIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONFIG = """
      {"User":"1000","Env":["PATH=/bin","GREETING=hello"],"Entrypoint":["/bin/sh","-c"],
       "Cmd":["echo $GREETING"],"WorkingDir":"/work","StopSignal":"SIGTERM"}""";
  // vfs_cap_data v2 as the kernel stores security.capability: effective, CAP_SETUID | CAP_SETFCAP
  // permitted; bytes 0x80 that are no UTF-8 (commons-compress alone used to corrupt them).
  private static final byte[] CAPABILITY = {0x01, 0x00, 0x00, 0x02, (byte) 0x80, 0x00, 0x00, (byte) 0x80, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0, 0, 0};
  private static final byte[] BINARY_XATTR = {0x01, 0x00, (byte) 0xff, (byte) 0xfe};
  private static Path layouts;
  private static Path boxLayout;
  private static Written box;

  @BeforeAll
  static void buildImages() throws IOException {
    layouts = Files.createTempDirectory("skiff-it-images-");
    boxLayout = layouts.resolve("box");
    box = busyboxImage().write(boxLayout, CONFIG);
  }

  @AfterAll
  static void deleteImages() {
    SkiffdProcess.deleteTree(layouts);
  }

  /** Three layers (gzip, zstd, plain tar) with a symlink, a hardlink, a whiteout and an opaque directory. */
  static OciLayoutImage busyboxImage() throws IOException {
    byte[] busybox = Files.readAllBytes(Path.of("/bin/busybox"));
    OciLayoutImage image = new OciLayoutImage();
    image.layer(Compression.GZIP)
        .dir("bin", 0755).file("bin/busybox", busybox, 0755, 0, 0)
        .symlink("bin/sh", "busybox").hardlink("bin/ls", "bin/busybox")
        .dir("etc", 0755)
        .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/work:/bin/sh\n")
        .file("etc/group", "root:x:0:\napp:x:1000:\n")
        .file("etc/motd", "removed by the next layer\n")
        .dir("var", 0755).dir("var/cache", 0755).file("var/cache/old", "hidden by the opaque dir\n")
        .dir("tmp", 01777)
        // As real images have it: the target climbs above the layer root, which is data
        // resolved inside the container's root ("/.." is "/").
        .dir("usr", 0755).dir("usr/bin", 0755).symlink("usr/bin/env", "../../../bin/busybox");
    image.layer(Compression.ZSTD)
        .dir("etc", 0755).file("etc/.wh.motd", "")
        .dir("var/cache", 0755).file("var/cache/.wh..wh..opq", "").file("var/cache/new", "new\n")
        .dir("work", 0755).file("work/owned", "x".getBytes(StandardCharsets.UTF_8), 0640, 1000, 1000);
    image.layer(Compression.NONE).file("etc/hostname", "skiff-test\n")
        .paxRecords(Map.of("SCHILY.xattr.security.capability", CAPABILITY, "SCHILY.xattr.user.binary", BINARY_XATTR))
        .file("bin/ping", "a file with capabilities".getBytes(StandardCharsets.UTF_8), 0755, 0, 0);
    return image;
  }

  private static JsonNode json(CommandResult result) throws IOException {
    return JSON.readTree(result.stdout());
  }

  private static String extraToml(String registryHost) {
    return "[image]\ninsecure_registries = [\"" + registryHost + "\"]\nstall_timeout_seconds = 5\n";
  }

  private static Path snapshot(SkiffdProcess skiffd, List<Digest> diffIds, int layer) {
    Digest chainId = null;
    for (int i = 0; i <= layer; i++) {
      chainId = SnapshotStore.chainId(chainId, diffIds.get(i));
    }
    return skiffd.stateDir().resolve("images/snapshots/" + chainId.hex());
  }

  private static long countFiles(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }

  @Test
  void pullImagesInspectiRmiOverPlainHttp() throws Exception {
    try (PrivateNetns netns = PrivateNetns.create("img");
        LocalRegistry registry = LocalRegistry.plainHttp(netns, 5000);
        SkiffdProcess skiffd = SkiffdProcess.startIn(netns, extraToml("127.0.0.1:5000"))) {
      registry.push(boxLayout, "skiff/box:v1", null);
      String ref = registry.host() + "/skiff/box:v1";

      String pulled = skiffd.crictl("pull", ref).orThrow("crictl pull").stdout();
      assertTrue(pulled.contains(box.config().toString()), "image_ref is the config digest: " + pulled);

      JsonNode images = json(skiffd.crictl("images", "-o", "json").orThrow("crictl images")).path("images");
      assertEquals(1, images.size(), images.toString());
      JsonNode image = images.get(0);
      assertEquals(box.config().toString(), image.path("id").asText());
      assertEquals(ref, image.path("repoTags").get(0).asText());
      assertTrue(image.path("repoDigests").get(0).asText().startsWith(registry.host() + "/skiff/box@sha256:"), image.toString());
      assertEquals("1000", image.path("uid").path("value").asText());
      assertTrue(image.path("size").asLong() > 500_000, image.toString());

      JsonNode inspect = json(skiffd.crictl("inspecti", "-o", "json", ref).orThrow("crictl inspecti"));
      JsonNode spec = inspect.path("info").path("imageSpec").path("config");
      assertEquals("/work", spec.path("WorkingDir").asText());
      assertEquals("[\"/bin/sh\",\"-c\"]", spec.path("Entrypoint").toString());
      assertEquals("SIGTERM", spec.path("StopSignal").asText());
      assertEquals(box.config().toString(), inspect.path("status").path("id").asText());

      // What the layers became on disk, ready to be overlay lowerdirs.
      Path base = snapshot(skiffd, box.diffIds(), 0);
      Path middle = snapshot(skiffd, box.diffIds(), 1);
      Path top = snapshot(skiffd, box.diffIds(), 2);
      assertArrayEquals(Files.readAllBytes(Path.of("/bin/busybox")), Files.readAllBytes(base.resolve("bin/busybox")));
      assertEquals(Path.of("busybox"), Files.readSymbolicLink(base.resolve("bin/sh")));
      assertEquals(Files.getAttribute(base.resolve("bin/busybox"), "unix:ino"), Files.getAttribute(base.resolve("bin/ls"), "unix:ino"));
      assertEquals(01777, (Integer) Files.getAttribute(base.resolve("tmp"), "unix:mode") & 07777);
      assertEquals(0020000, (Integer) Files.getAttribute(middle.resolve("etc/motd"), "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000);
      assertEquals("y", new String(FileSystemCalls.lgetxattr(middle.resolve("var/cache"), "trusted.overlay.opaque")));
      assertEquals(1000, Files.getAttribute(middle.resolve("work/owned"), "unix:uid"));
      assertEquals("skiff-test\n", Files.readString(top.resolve("etc/hostname")));
      assertArrayEquals(CAPABILITY, FileSystemCalls.lgetxattr(top.resolve("bin/ping"), "security.capability"));
      assertArrayEquals(BINARY_XATTR, FileSystemCalls.lgetxattr(top.resolve("bin/ping"), "user.binary"));

      // The kernel agrees: as overlay lowerdirs, the whiteout hides etc/motd and the opaque
      // directory hides what lower layers had in var/cache.
      Path merged = Files.createDirectories(skiffd.dir().resolve("merged"));
      Commands.run(List.of("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + top + ":" + middle + ":" + base,
          merged.toString())).orThrow("mounting the layers as an overlay");
      try {
        assertFalse(Files.exists(merged.resolve("etc/motd"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(merged.resolve("var/cache/old")));
        assertEquals("new\n", Files.readString(merged.resolve("var/cache/new")));
        assertEquals("skiff-test\n", Files.readString(merged.resolve("etc/hostname")));
        assertTrue(Files.isRegularFile(merged.resolve("etc/passwd")));
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(merged.resolve("bin/sh")));
        assertEquals(Path.of("../../../bin/busybox"), Files.readSymbolicLink(merged.resolve("usr/bin/env")));
        assertArrayEquals(BINARY_XATTR, FileSystemCalls.lgetxattr(merged.resolve("bin/ping"), "user.binary"));
        assertArrayEquals(CAPABILITY, FileSystemCalls.lgetxattr(merged.resolve("bin/ping"), "security.capability"));
      } finally {
        Commands.run(List.of("umount", merged.toString())).orThrow("umount " + merged);
      }

      // The index survives a restart.
      skiffd.restart();
      assertTrue(skiffd.crictl("images", "-q").orThrow("crictl images after restart").stdout().contains(box.config().toString()));

      CommandResult missing = skiffd.crictl("pull", registry.host() + "/skiff/none:v9");
      assertNotEquals(0, missing.exitCode());
      assertTrue(missing.stderr().contains("NotFound") && missing.stderr().contains(registry.host() + "/skiff/none:v9"),
          missing.stderr());
      CommandResult malformed = skiffd.crictl("pull", "Not/A/Valid:Ref!");
      assertNotEquals(0, malformed.exitCode());
      assertTrue(malformed.stderr().contains("InvalidArgument"), malformed.stderr());

      skiffd.crictl("rmi", ref).orThrow("crictl rmi");
      assertEquals(0, json(skiffd.crictl("images", "-o", "json").orThrow("crictl images")).path("images").size());
      assertEquals(0, countFiles(skiffd.stateDir().resolve("images/blobs/sha256")), "blobs are collected");
      assertEquals(0, countFiles(skiffd.stateDir().resolve("images/snapshots")), "snapshots are collected");
      // Removing what is gone succeeds and an absent image has an empty status, as the CRI
      // requires (crictl rmi checks the status itself first, so ask over gRPC).
      try (CriClient client = new CriClient(skiffd.socket())) {
        ImageSpec gone = ImageSpec.newBuilder().setImage(box.config().toString()).build();
        client.images().removeImage(RemoveImageRequest.newBuilder().setImage(gone).build());
        assertFalse(client.images().imageStatus(ImageStatusRequest.newBuilder().setImage(gone).build()).hasImage());
      }
    }
  }

  @Test
  void registryKilledMidPullFailsAndTheRetryReusesVerifiedBlobs() throws Exception {
    Path layout = layouts.resolve("big");
    OciLayoutImage image = busyboxImage();
    byte[] noise = new byte[96 * 1024 * 1024];
    new Random(7).nextBytes(noise);
    image.layer(Compression.NONE).file("noise", noise, 0644, 0, 0);
    Written big = image.write(layout, CONFIG);
    try (PrivateNetns netns = PrivateNetns.create("img");
        LocalRegistry registry = LocalRegistry.plainHttp(netns, 5000);
        SkiffdProcess skiffd = SkiffdProcess.startIn(netns, extraToml("127.0.0.1:5000"))) {
      registry.push(layout, "skiff/big:v1", null);
      String ref = registry.host() + "/skiff/big:v1";
      Path ingest = skiffd.stateDir().resolve("images/ingest");
      Digest noiseLayer = big.layers().get(3);

      CommandResultHolder pull = CommandResultHolder.inBackground(() -> skiffd.crictl("pull", ref));
      waitForPartial(ingest, noiseLayer);
      registry.kill();
      CommandResult failed = pull.await();
      assertNotEquals(0, failed.exitCode(), "the pull must fail when the registry dies");
      assertTrue(failed.stderr().contains("Unavailable"), failed.stderr());
      assertEquals(0, countFiles(ingest), "no half blob is left");
      Path baseBlob = skiffd.stateDir().resolve("images/blobs/sha256/" + big.layers().get(0).hex());
      assertTrue(Files.exists(baseBlob), "the layers verified before the crash stay");
      Object baseInode = Files.getAttribute(baseBlob, "unix:ino");

      String before = registry.logText();
      registry.start();
      skiffd.crictl("pull", ref).orThrow("retry after the registry came back");
      String retryLog = registry.logText().substring(before.length());
      assertFalse(retryLog.contains("blobs/" + big.layers().get(0)), "the verified base layer is not fetched again");
      assertTrue(retryLog.contains("blobs/" + noiseLayer), retryLog);
      assertEquals(baseInode, Files.getAttribute(baseBlob, "unix:ino"));
    } finally {
      SkiffdProcess.deleteTree(layout);
    }
  }

  private static void waitForPartial(Path ingest, Digest layer) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(ingest)) {
        try (Stream<Path> files = Files.list(ingest)) {
          for (Path file : (Iterable<Path>) files::iterator) {
            if (file.getFileName().toString().startsWith(layer.hex()) && Files.size(file) > 1_000_000) {
              return;
            }
          }
        } catch (IOException vanished) {
          // The file went away between list and size; look again.
        }
      }
      Thread.sleep(2);
    }
    throw new AssertionError("the big layer never started downloading");
  }

  @Test
  void tlsWithBasicAuthNeedsTheRightCredentialsAndTrust() throws Exception {
    try (PrivateNetns netns = PrivateNetns.create("img");
        LocalRegistry registry = LocalRegistry.tlsWithAuth(netns, 5443, "alice", "s3cret")) {
      registry.push(boxLayout, "private/box:v1", "alice:s3cret");
      String ref = registry.host() + "/private/box:v1";
      String trustCa = "[registries.\"" + registry.host() + "\"]\nca_file = \"" + registry.certificate() + "\"\n";
      try (SkiffdProcess skiffd = SkiffdProcess.startIn(netns, trustCa)) {
        CommandResult anonymous = skiffd.crictl("pull", ref);
        assertNotEquals(0, anonymous.exitCode());
        assertTrue(anonymous.stderr().contains("authentication failed for registry " + registry.host()), anonymous.stderr());
        CommandResult wrong = skiffd.crictl("pull", "--creds", "alice:wrong", ref);
        assertNotEquals(0, wrong.exitCode());
        assertTrue(wrong.stderr().contains("authentication failed for registry " + registry.host()), wrong.stderr());

        String pulled = skiffd.crictl("pull", "--creds", "alice:s3cret", ref).orThrow("pull with credentials").stdout();
        assertTrue(pulled.contains(box.config().toString()), pulled);
      }
      try (SkiffdProcess untrusting = SkiffdProcess.startIn(netns, "")) {
        CommandResult untrusted = untrusting.crictl("pull", "--creds", "alice:s3cret", ref);
        assertNotEquals(0, untrusted.exitCode(), "a self-signed certificate is not trusted by default");
        assertTrue(untrusted.stderr().contains("Unavailable"), untrusted.stderr());
      }
      String skipVerify = "[registries.\"" + registry.host() + "\"]\nskip_verify = true\n";
      try (SkiffdProcess skipping = SkiffdProcess.startIn(netns, skipVerify)) {
        skipping.crictl("pull", "--creds", "alice:s3cret", ref).orThrow("pull with skip_verify");
      }
    }
  }

  /** A crictl call running on another thread, so the test can act while it runs. */
  private static final class CommandResultHolder {
    private final Thread thread;
    private final CommandResult[] result = new CommandResult[1];
    private final List<Throwable> failure = new ArrayList<>();

    private CommandResultHolder(java.util.function.Supplier<CommandResult> call) {
      thread = new Thread(() -> {
        try {
          result[0] = call.get();
        } catch (Throwable e) {
          failure.add(e);
        }
      }, "crictl-in-background");
      thread.start();
    }

    static CommandResultHolder inBackground(java.util.function.Supplier<CommandResult> call) {
      return new CommandResultHolder(call);
    }

    CommandResult await() throws InterruptedException {
      thread.join(200_000);
      if (!failure.isEmpty()) {
        throw new AssertionError(failure.get(0));
      }
      return result[0];
    }
  }
}
