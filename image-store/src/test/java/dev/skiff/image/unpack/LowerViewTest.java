package dev.skiff.image.unpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.image.ImageStoreException;
import dev.skiff.image.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers unpacked into sibling directories, looked up through as overlayfs stacks them. */
class LowerViewTest {
  @TempDir
  Path temp;

  private Path layer(String name, byte[] tar) throws IOException {
    Path dir = Files.createDirectory(temp.resolve(name));
    LayerUnpacker.unpack(new ByteArrayInputStream(tar), dir);
    return dir;
  }

  private static EntryPath path(String text) {
    return EntryPath.parse(text, "test");
  }

  @Test
  void anImpliedParentOverALowerSymlinkIsRefusedNamingTheEntry() throws IOException {
    Path base = layer("base", new TarBuilder().dir("usr/lib", 0755).symlink("lib", "usr/lib").build());
    Path top = Files.createDirectory(temp.resolve("top"));
    LayerUnpacker.Result result = LayerUnpacker.unpack(
        new ByteArrayInputStream(new TarBuilder().file("lib/x86_64/libfoo.so", "elf").build()), top);
    ImageStoreException e = assertThrows(ImageStoreException.class,
        () -> new LowerView(List.of(base)).reconcile(top, result.implicitDirectories()));
    assertEquals(ImageStoreException.Kind.BAD_CONTENT, e.kind());
    assertTrue(e.getMessage().contains("'lib/x86_64/libfoo.so'") && e.getMessage().contains("'lib'")
        && e.getMessage().contains("symlink"), e.getMessage());
    assertTrue(Files.isSymbolicLink(base.resolve("lib")));
    assertEquals(0, Files.list(base.resolve("usr/lib")).count(), "nothing was written through the symlink");
  }

  @Test
  void anExplicitDirectoryReplacesALowerSymlink() throws IOException {
    Path base = layer("base", new TarBuilder().dir("usr/lib", 0755).symlink("lib", "usr/lib").build());
    Path top = Files.createDirectory(temp.resolve("top"));
    LayerUnpacker.Result result = LayerUnpacker.unpack(
        new ByteArrayInputStream(new TarBuilder().dir("lib", 0755).file("lib/libfoo.so", "elf").build()), top);
    new LowerView(List.of(base)).reconcile(top, result.implicitDirectories());
    assertTrue(Files.isDirectory(top.resolve("lib"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void belowAnExplicitDirectoryOrAnOpaqueOneTheLowerSymlinkNoLongerMatters() throws IOException {
    Path base = layer("base", new TarBuilder().dir("usr/lib", 0755).symlink("lib", "usr/lib")
        .dir("opt", 0755).symlink("opt/app", "/srv").build());
    Path top = Files.createDirectory(temp.resolve("top"));
    LayerUnpacker.Result result = LayerUnpacker.unpack(new ByteArrayInputStream(new TarBuilder()
        .dir("lib", 0755).file("lib/sub/libfoo.so", "elf")
        .dir("opt", 0755).file("opt/.wh..wh..opq", "").file("opt/app/bin/tool", "t")
        .build()), top);
    assertEquals(java.util.Set.of(path("lib/sub"), path("opt/app"), path("opt/app/bin")),
        result.implicitDirectories().keySet());
    new LowerView(List.of(base)).reconcile(top, result.implicitDirectories());
    assertTrue(Files.isRegularFile(top.resolve("opt/app/bin/tool")));
  }

  @Test
  void anImpliedParentTakesTheLowerDirectorysModeOwnerAndTime() throws IOException {
    Path base = layer("base", new TarBuilder().dir("tmp", 01777).build());
    FileSystemCalls.lchown(base.resolve("tmp"), 5, 6);
    FileSystemCalls.chmod(base.resolve("tmp"), 01777);
    FileSystemCalls.lutimes(base.resolve("tmp"), 1_500_000_000L, 0, 1_500_000_000L, 0);
    Path top = Files.createDirectory(temp.resolve("top"));
    LayerUnpacker.Result result = LayerUnpacker.unpack(
        new ByteArrayInputStream(new TarBuilder().file("tmp/x", "x").build()), top);
    assertEquals(0755, (Integer) Files.getAttribute(top.resolve("tmp"), "unix:mode") & 07777, "before");
    new LowerView(List.of(base)).reconcile(top, result.implicitDirectories());
    assertEquals(01777, (Integer) Files.getAttribute(top.resolve("tmp"), "unix:mode") & 07777);
    assertEquals(5, Files.getAttribute(top.resolve("tmp"), "unix:uid"));
    assertEquals(6, Files.getAttribute(top.resolve("tmp"), "unix:gid"));
    assertEquals(FileTime.fromMillis(1_500_000_000_000L), Files.getLastModifiedTime(top.resolve("tmp")));
  }

  @Test
  void lookupFollowsWhiteoutsAndOpaqueDirectoriesAsOverlayDoes() throws IOException {
    Path base = layer("base", new TarBuilder().symlink("gone", "/etc").dir("opaque/deep", 0755)
        .symlink("hidden", "/").dir("merged/low", 0755).build());
    Path middle = layer("middle", new TarBuilder().file(".wh.gone", "").dir("opaque", 0755)
        .file("opaque/.wh..wh..opq", "").dir("merged/mid", 0755).build());
    LowerView view = new LowerView(List.of(middle, base));
    assertInstanceOf(LowerView.Absent.class, view.lookup(path("gone")), "the whiteout hides the symlink");
    assertInstanceOf(LowerView.Absent.class, view.lookup(path("gone/x")));
    assertInstanceOf(LowerView.Absent.class, view.lookup(path("opaque/deep")), "the opaque directory hides deep");
    assertEquals(new LowerView.Directory(base.resolve("merged/low")), view.lookup(path("merged/low")));
    assertEquals(new LowerView.Directory(middle.resolve("merged/mid")), view.lookup(path("merged/mid")));
    assertEquals(new LowerView.Blocked(path("hidden"), true), view.lookup(path("hidden/etc")));
    assertInstanceOf(LowerView.Absent.class, view.lookup(path("nothing/here")));
  }
}
