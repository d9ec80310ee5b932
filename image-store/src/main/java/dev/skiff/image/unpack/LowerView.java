package dev.skiff.image.unpack;

import dev.skiff.image.ImageStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The merged view of the layers below a snapshot, looked up as overlayfs does: the topmost
 * layer holding a name wins; a whiteout (char device 0:0) hides the name in the layers
 * below; directories merge down to the first opaque one or the first layer holding a
 * non-directory there.
 *
 * <p>Used after a layer is unpacked, for the directories it created only as parents of its
 * entries (no entry of its own). In the overlay such a directory hides what the lower
 * layers have at that name and shows its own mode and owner. Where the lower view has a
 * directory, the implicit one takes that directory's mode, owner and times, as an unpack
 * onto the lower layers (containerd's, Docker's) leaves them. Where the lower view has a
 * symlink or any other non-directory, the layer would write through it (or silently
 * replace it): that is refused with an error naming the entry.
 */
public final class LowerView {
  private static final int S_IFMT = 0170000;
  private static final int S_IFCHR = 0020000;
  private static final byte[] OPAQUE = {'y'};

  /** What the lower layers show at a path. */
  public sealed interface Lookup permits Absent, Directory, Blocked {}

  /** Nothing there (or a whiteout hides it). */
  public record Absent() implements Lookup {}

  /** A directory; {@code path} is its copy in the topmost layer holding it. */
  public record Directory(Path path) implements Lookup {}

  /** A symlink or other non-directory at {@code at} (the path itself or one of its parents). */
  public record Blocked(EntryPath at, boolean symlink) implements Lookup {}

  private final List<Path> layersTopFirst;

  public LowerView(List<Path> layersTopFirst) {
    this.layersTopFirst = List.copyOf(layersTopFirst);
  }

  public Lookup lookup(EntryPath path) throws IOException {
    List<Path> contributing = layersTopFirst;
    Path found = null;
    for (int depth = 1; depth <= path.components().size(); depth++) {
      EntryPath prefix = new EntryPath(path.components().subList(0, depth));
      List<Path> next = new ArrayList<>();
      found = null;
      for (Path layer : contributing) {
        Path candidate = resolve(layer, prefix);
        Map<String, Object> attributes = lstat(candidate);
        if (attributes == null) {
          continue;
        }
        int mode = (Integer) attributes.get("mode");
        boolean directory = (mode & S_IFMT) == 0040000;
        if (isWhiteout(mode, attributes)) {
          break;
        }
        if (!directory) {
          if (found == null) {
            return new Blocked(prefix, (mode & S_IFMT) == 0120000);
          }
          break;
        }
        if (found == null) {
          found = candidate;
        }
        next.add(layer);
        if (Arrays.equals(OPAQUE, FileSystemCalls.lgetxattr(candidate, "trusted.overlay.opaque"))) {
          break;
        }
      }
      if (found == null) {
        return new Absent();
      }
      contributing = next;
    }
    return found == null ? new Absent() : new Directory(found);
  }

  /**
   * Reconciles the directories a layer unpacked into {@code root} created only as parents
   * (each with the entry that needed it) with this lower view; see the class comment.
   */
  public void reconcile(Path root, Map<EntryPath, String> implicitDirectories) throws IOException {
    for (Map.Entry<EntryPath, String> implicit : implicitDirectories.entrySet()) {
      EntryPath dir = implicit.getKey();
      Path inLayer = resolve(root, dir);
      Map<String, Object> own = lstat(inLayer);
      if (own == null || ((Integer) own.get("mode") & S_IFMT) != 0040000) {
        continue;
      }
      if (underOpaqueDirectory(root, dir)) {
        // This layer hides everything the lower layers have below that directory.
        continue;
      }
      Lookup lower = lookup(dir);
      if (lower instanceof Blocked blocked) {
        if (!blocked.at().equals(dir)) {
          // Blocked at an ancestor: a directory entry of this layer replaced the lower
          // symlink there (nothing below it is written through it), or the ancestor is
          // implied too and is refused in its own turn.
          continue;
        }
        throw ImageStoreException.badContent("layer entry '" + implicit.getValue() + "' lies under '" + blocked.at()
            + "', which a lower layer has as " + (blocked.symlink() ? "a symlink" : "a non-directory")
            + " (entries are never written through a symlink)");
      }
      if (lower instanceof Directory directory) {
        Map<String, Object> attributes = lstat(directory.path());
        if (attributes == null) {
          continue;
        }
        FileSystemCalls.lchown(inLayer, (Integer) attributes.get("uid"), (Integer) attributes.get("gid"));
        FileSystemCalls.chmod(inLayer, (Integer) attributes.get("mode"));
        FileTime mtime = (FileTime) attributes.get("lastModifiedTime");
        long nanos = mtime.to(java.util.concurrent.TimeUnit.NANOSECONDS);
        long seconds = Math.floorDiv(nanos, 1_000_000_000L);
        long rest = Math.floorMod(nanos, 1_000_000_000L);
        FileSystemCalls.lutimes(inLayer, seconds, rest, seconds, rest);
      }
    }
  }

  private static boolean underOpaqueDirectory(Path root, EntryPath dir) throws IOException {
    Path ancestor = root;
    for (String component : dir.parent().components()) {
      ancestor = ancestor.resolve(component);
      if (Arrays.equals(OPAQUE, FileSystemCalls.lgetxattr(ancestor, "trusted.overlay.opaque"))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isWhiteout(int mode, Map<String, Object> attributes) {
    return (mode & S_IFMT) == S_IFCHR && ((Number) attributes.get("rdev")).longValue() == 0;
  }

  private static Path resolve(Path root, EntryPath path) {
    Path result = root;
    for (String component : path.components()) {
      result = result.resolve(component);
    }
    return result;
  }

  private static Map<String, Object> lstat(Path path) throws IOException {
    try {
      return Files.readAttributes(path, "unix:mode,uid,gid,rdev,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
