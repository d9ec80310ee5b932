package dev.skiff.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserResolverTest {
  @TempDir Path rootfs;

  @BeforeEach
  void etc() throws Exception {
    Files.createDirectories(rootfs.resolve("etc"));
    Files.writeString(rootfs.resolve("etc/passwd"),
        "root:x:0:0:root:/root:/bin/sh\nwww:x:33:33::/var/www:/bin/false\nalice:x:1000:1000::/home/alice:/bin/sh\n");
    Files.writeString(rootfs.resolve("etc/group"),
        "root:x:0:\nwww:x:33:\nalice:x:1000:\nvideo:x:44:alice,www\naudio:x:29:alice\n");
  }

  private static ProcessRequest user(Long uid, String name, Long gid) {
    return new ProcessRequest(null, null, null, null, uid, name, gid, null, null, false, false);
  }

  @Test
  void defaultsToRoot() throws Exception {
    assertEquals(new UserIds(0, 0, List.of(0L)), UserResolver.resolve(rootfs, user(null, null, null), null));
  }

  @Test
  void imageUserByNameGetsPrimaryAndMemberGroups() throws Exception {
    assertEquals(new UserIds(1000, 1000, List.of(1000L, 44L, 29L)), UserResolver.resolve(rootfs, user(null, null, null), "alice"));
  }

  @Test
  void imageUserAndGroupByName() throws Exception {
    assertEquals(new UserIds(33, 29, List.of(29L, 44L)), UserResolver.resolve(rootfs, user(null, null, null), "www:audio"));
  }

  @Test
  void numericImageUserWithoutPasswdEntryGetsGidZero() throws Exception {
    assertEquals(new UserIds(4242, 0, List.of(0L)), UserResolver.resolve(rootfs, user(null, null, null), "4242"));
    assertEquals(new UserIds(4242, 7, List.of(7L)), UserResolver.resolve(rootfs, user(null, null, null), "4242:7"));
  }

  @Test
  void runAsUserOverridesImageAndTakesPasswdGid() throws Exception {
    assertEquals(new UserIds(33, 33, List.of(33L, 44L)), UserResolver.resolve(rootfs, user(33L, null, null), "alice"));
  }

  @Test
  void runAsGroupAndStrictSupplementalGroups() throws Exception {
    ProcessRequest strict = new ProcessRequest(null, null, null, null, 1000L, null, 5L, List.of(99L),
        ProcessRequest.SupplementalGroupsPolicy.STRICT, false, false);
    assertEquals(new UserIds(1000, 5, List.of(5L, 99L)), UserResolver.resolve(rootfs, strict, null));
  }

  @Test
  void mergeAddsImageGroupsToSupplementalGroupsAndStrictDoesNot() throws Exception {
    // As critest's test-image-predefined-group: uid 1000 is a member of group 44 in /etc/group.
    ProcessRequest merge = new ProcessRequest(null, null, null, null, 1000L, null, null, List.of(1234L),
        ProcessRequest.SupplementalGroupsPolicy.MERGE, false, false);
    assertEquals(new UserIds(1000, 1000, List.of(1000L, 44L, 29L, 1234L)), UserResolver.resolve(rootfs, merge, null));
    ProcessRequest strict = new ProcessRequest(null, null, null, null, 1000L, null, null, List.of(1234L),
        ProcessRequest.SupplementalGroupsPolicy.STRICT, false, false);
    assertEquals(new UserIds(1000, 1000, List.of(1000L, 1234L)), UserResolver.resolve(rootfs, strict, null));
  }

  @Test
  void runAsUsername() throws Exception {
    assertEquals(33, UserResolver.resolve(rootfs, user(null, "www", null), null).uid());
  }

  @Test
  void unknownNameIsInvalidAndNamesIt() {
    ContainerException e =
        assertThrows(ContainerException.class, () -> UserResolver.resolve(rootfs, user(null, "mallory", null), null));
    assertEquals(ContainerException.Kind.INVALID, e.kind());
    assertEquals(true, e.getMessage().contains("mallory"));
  }

  @Test
  void hostileSymlinkedPasswdIsReadInsideTheRoot(@TempDir Path host) throws Exception {
    // /etc/passwd -> /../../<host dir>/passwd must resolve to <rootfs>/<host dir>/passwd, not the host's file.
    Files.writeString(host.resolve("passwd"), "evil:x:0:0::/:/bin/sh\n");
    Files.delete(rootfs.resolve("etc/passwd"));
    Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("/../../.." + host.resolve("passwd")));
    assertThrows(ContainerException.class, () -> UserResolver.resolve(rootfs, user(null, null, null), "evil"));
    assertEquals(rootfs.resolve(host.toString().substring(1)).resolve("passwd"),
        RootedPath.resolve(rootfs, "/etc/passwd"));
  }
}
