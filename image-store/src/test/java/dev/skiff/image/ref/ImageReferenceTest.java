package dev.skiff.image.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.image.ImageStoreException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
  private static final String HEX = "a".repeat(64);

  @ParameterizedTest
  @CsvSource({
      "busybox, docker.io/library/busybox:latest",
      "busybox:1.36, docker.io/library/busybox:1.36",
      "library/busybox, docker.io/library/busybox:latest",
      "docker.io/busybox, docker.io/library/busybox:latest",
      "index.docker.io/library/busybox:1, docker.io/library/busybox:1",
      "user/app, docker.io/user/app:latest",
      "registry.k8s.io/pause:3.9, registry.k8s.io/pause:3.9",
      "localhost/app, localhost/app:latest",
      "localhost:5000/a/b/c:v1.2_3, localhost:5000/a/b/c:v1.2_3",
      "127.0.0.1:5000/busybox, 127.0.0.1:5000/busybox:latest",
      "gcr.io/k8s-staging/test__img-x.y:tag-1, gcr.io/k8s-staging/test__img-x.y:tag-1",
  })
  void normalizesLikeDocker(String input, String expected) {
    assertEquals(expected, ImageReference.parse(input).toString());
  }

  @Test
  void keepsDigestAndDropsDefaultTag() {
    ImageReference ref = ImageReference.parse("busybox@sha256:" + HEX);
    assertNull(ref.tag());
    assertEquals("sha256:" + HEX, ref.manifestReference());
    assertEquals("docker.io/library/busybox@sha256:" + HEX, ref.toString());
    ImageReference both = ImageReference.parse("quay.io/x/y:1@sha256:" + HEX);
    assertEquals("1", both.tag());
    assertEquals("sha256:" + HEX, both.manifestReference());
    assertEquals("quay.io/x/y:1", both.repoTag().orElseThrow());
  }

  @Test
  void hostWithPortIsNotATag() {
    ImageReference ref = ImageReference.parse("myhost:5000/app");
    assertEquals("myhost:5000", ref.domain());
    assertEquals("app", ref.path());
    assertEquals("latest", ref.tag());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "UPPER/case", "busybox:", "busybox:-bad", "a//b", "/busybox", "busybox/",
      "busybox@sha256:short", "busybox@md5:" + "a", "x:y:z", "docker.io/Library/busybox", "a b", "bad_/x",
      "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
  void refusesMalformed(String input) {
    ImageStoreException e = assertThrows(ImageStoreException.class, () -> ImageReference.parse(input));
    assertEquals(ImageStoreException.Kind.INVALID, e.kind());
  }

  @Test
  void messageNamesTheReferenceAndTheReason() {
    ImageStoreException e = assertThrows(ImageStoreException.class, () -> ImageReference.parse("Busybox"));
    assertTrue(e.getMessage().contains("'Busybox'"), e.getMessage());
    assertTrue(e.getMessage().contains("lowercase"), e.getMessage());
  }
}
