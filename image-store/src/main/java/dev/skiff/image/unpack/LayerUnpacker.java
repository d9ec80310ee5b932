package dev.skiff.image.unpack;

import dev.skiff.image.ImageStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Unpacks one uncompressed layer tar into an empty snapshot directory, as an OverlayFS
 * lowerdir: OCI whiteouts become overlay whiteouts (char device 0:0) and opaque
 * directories get {@code trusted.overlay.opaque=y}.
 *
 * <p>Security boundary: nothing is ever written outside {@code root}, and no entry is
 * written through a symlink. Entry names with {@code ..} or a leading {@code /} are
 * refused; every parent directory is checked with lstat to be a real directory (a symlink
 * from the archive is never traversed); files are created with O_EXCL|O_NOFOLLOW;
 * ownership, xattrs and times are set with the l-variants; hardlinks must name a
 * non-directory already unpacked in this layer. A symlink's target is data, resolved later
 * inside the container's root, so any target is kept, absolute or climbing (as containerd
 * does). Directories created only as parents are reported in {@link Result} so that
 * {@link LowerView#reconcile} can refuse the ones that would cover a lower layer's
 * symlink. Xattrs in the trusted.overlay namespace are dropped: only the unpacker decides
 * what overlay sees as a whiteout or opaque directory. PAX {@code SCHILY.xattr} values are
 * set byte for byte as {@link RawXattrTap} read them.
 */
public final class LayerUnpacker {
  private static final String WHITEOUT_PREFIX = ".wh.";
  private static final String OPAQUE_MARKER = ".wh..wh..opq";
  private static final String XATTR_PAX_PREFIX = "SCHILY.xattr.";
  private static final String LIBARCHIVE_XATTR_PREFIX = "LIBARCHIVE.xattr.";
  private static final int COPY_BUFFER = 128 * 1024;

  /**
   * What one unpack wrote; {@code implicitDirectories} are the directories it created only
   * as parents, each with the first entry that needed it.
   */
  public record Result(long entries, long fileBytes, Map<EntryPath, String> implicitDirectories) {
    public Result {
      implicitDirectories = Collections.unmodifiableMap(new LinkedHashMap<>(implicitDirectories));
    }
  }

  private record DeferredTime(Path path, long seconds, long nanos) {}

  private final Path root;
  private final List<DeferredTime> directoryTimes = new ArrayList<>();
  private final Map<EntryPath, String> implicitDirectories = new LinkedHashMap<>();
  private final byte[] buffer = new byte[COPY_BUFFER];
  private long entries;
  private long fileBytes;

  private final WriteBudget budget;

  private LayerUnpacker(Path root, WriteBudget budget) {
    this.root = root;
    this.budget = budget;
  }

  /**
   * Reads the tar stream to its end-of-archive marker and writes its entries below
   * {@code root}, which must be an existing empty directory. Does not close the stream.
   *
   * @throws ImageStoreException BAD_CONTENT naming the entry for a hostile or malformed entry
   */
  public static Result unpack(InputStream tar, Path root) throws IOException {
    return unpack(tar, root, bytes -> { });
  }

  /** What file content an unpack writes, charged as it is written (sparse entries write more than the stream holds). */
  @FunctionalInterface
  public interface WriteBudget {
    void charge(long bytes) throws IOException;
  }

  /** As {@link #unpack(InputStream, Path)}, charging every byte of file content written to {@code budget}. */
  public static Result unpack(InputStream tar, Path root, WriteBudget budget) throws IOException {
    LayerUnpacker unpacker = new LayerUnpacker(root, budget);
    RawXattrTap tap = new RawXattrTap(new NonClosingInputStream(tar));
    TarArchiveInputStream archive = new TarArchiveInputStream(tap, StandardCharsets.UTF_8.name());
    TarArchiveEntry entry;
    long index = 0;
    while ((entry = nextEntry(archive)) != null) {
      unpacker.write(entry, archive, rawXattrs(tap.current(), index++, entry));
    }
    unpacker.applyDirectoryTimes();
    return new Result(unpacker.entries, unpacker.fileBytes, unpacker.implicitDirectories);
  }

  /** The tap's raw xattrs when it saw this very entry (same position and name), else null. */
  private static Map<String, byte[]> rawXattrs(RawXattrTap.Seen seen, long index, TarArchiveEntry entry) {
    if (seen == null || seen.index() != index || !stripSlash(seen.name()).equals(stripSlash(entry.getName()))) {
      return null;
    }
    return seen.xattrs();
  }

  private static String stripSlash(String name) {
    return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
  }

  private static TarArchiveEntry nextEntry(TarArchiveInputStream archive) throws IOException {
    try {
      return archive.getNextEntry();
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      throw malformed(e);
    }
  }

  /**
   * A read error of the archive or its decompressor is bad content (a corrupt or truncated
   * layer); errors of the source stream itself arrive as ImageStoreException and pass.
   */
  private static ImageStoreException malformed(Exception e) {
    return ImageStoreException.badContent("layer is not a valid tar stream: " + e.getMessage());
  }

  private int readContent(InputStream content) throws IOException {
    try {
      return content.read(buffer);
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      throw malformed(e);
    }
  }

  private void write(TarArchiveEntry entry, InputStream content, Map<String, byte[]> rawXattrs) throws IOException {
    entries++;
    String name = entry.getName();
    EntryPath path = EntryPath.parse(name, "layer entry");
    if (path.isRoot()) {
      if (!entry.isDirectory()) {
        throw ImageStoreException.badContent("layer entry '" + name + "' names the root but is not a directory");
      }
      applyMetadata(entry, root, true, rawXattrs);
      return;
    }
    Path parent = ensureParents(path.parent(), name);
    String base = path.fileName();
    if (base.startsWith(WHITEOUT_PREFIX)) {
      writeWhiteout(path, parent, base, name);
      return;
    }
    Path target = parent.resolve(base);
    if (entry.isDirectory()) {
      BasicFileAttributes existing = lstat(target);
      if (existing == null || !existing.isDirectory()) {
        removeExisting(target, existing);
        Files.createDirectory(target);
      }
      implicitDirectories.remove(path);
      applyMetadata(entry, target, true, rawXattrs);
    } else if (entry.isSymbolicLink()) {
      String linkTarget = entry.getLinkName();
      if (linkTarget == null || linkTarget.isEmpty() || linkTarget.indexOf('\0') >= 0) {
        throw ImageStoreException.badContent("symlink '" + name + "' has an empty or invalid target");
      }
      removeExisting(target, lstat(target));
      Files.createSymbolicLink(target, Path.of(linkTarget));
      applyMetadata(entry, target, false, rawXattrs);
    } else if (entry.isLink()) {
      writeHardlink(entry, target, name);
    } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
      int type = entry.isCharacterDevice() ? FileSystemCalls.S_IFCHR
          : entry.isBlockDevice() ? FileSystemCalls.S_IFBLK : FileSystemCalls.S_IFIFO;
      long dev = entry.isFIFO() ? 0 : FileSystemCalls.makedev(entry.getDevMajor(), entry.getDevMinor());
      removeExisting(target, lstat(target));
      FileSystemCalls.mknod(target, type | (entry.getMode() & 07777), dev);
      applyMetadata(entry, target, false, rawXattrs);
    } else if (isRegularFile(entry)) {
      removeExisting(target, lstat(target));
      try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS)) {
        int n;
        while ((n = readContent(content)) > 0) {
          out.write(buffer, 0, n);
          fileBytes += n;
          budget.charge(n);
        }
      }
      applyMetadata(entry, target, false, rawXattrs);
    } else {
      throw ImageStoreException.badContent(
          "layer entry '" + name + "' has unsupported tar type '" + (char) entry.getLinkFlag() + "'");
    }
  }

  /** commons-compress calls every non-directory a file; only these type flags carry file content. */
  private static boolean isRegularFile(TarArchiveEntry entry) {
    byte flag = entry.getLinkFlag();
    return flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM || flag == TarConstants.LF_CONTIG;
  }

  /** Creates missing parents as 0755 root-owned dirs; refuses any parent that is not a real directory. */
  private Path ensureParents(EntryPath parentPath, String entryName) throws IOException {
    Path dir = root;
    List<String> walked = new ArrayList<>();
    for (String component : parentPath.components()) {
      dir = dir.resolve(component);
      walked.add(component);
      BasicFileAttributes attributes = lstat(dir);
      if (attributes == null) {
        Files.createDirectory(dir);
        implicitDirectories.putIfAbsent(new EntryPath(walked), entryName);
      } else if (!attributes.isDirectory()) {
        throw ImageStoreException.badContent("layer entry '" + entryName + "' lies under '" + root.relativize(dir)
            + "', which is " + (attributes.isSymbolicLink() ? "a symlink" : "not a directory"));
      }
    }
    return dir;
  }

  private void writeWhiteout(EntryPath path, Path parent, String base, String name) throws IOException {
    if (base.equals(OPAQUE_MARKER)) {
      FileSystemCalls.lsetxattr(parent, "trusted.overlay.opaque", new byte[] {'y'});
      return;
    }
    String hidden = base.substring(WHITEOUT_PREFIX.length());
    if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..") || hidden.startsWith(WHITEOUT_PREFIX)) {
      throw ImageStoreException.badContent("whiteout '" + name + "' names no valid file");
    }
    Path target = parent.resolve(hidden);
    removeExisting(target, lstat(target));
    FileSystemCalls.mknod(target, FileSystemCalls.S_IFCHR, 0);
  }

  private void writeHardlink(TarArchiveEntry entry, Path target, String name) throws IOException {
    EntryPath linkPath = EntryPath.parse(entry.getLinkName(), "hardlink '" + name + "' target");
    if (linkPath.isRoot()) {
      throw ImageStoreException.badContent("hardlink '" + name + "' targets the layer root");
    }
    Path source = root;
    for (String component : linkPath.parent().components()) {
      source = source.resolve(component);
      BasicFileAttributes attributes = lstat(source);
      if (attributes == null || !attributes.isDirectory()) {
        throw ImageStoreException.badContent("hardlink '" + name + "' -> '" + entry.getLinkName()
            + "' does not name a file unpacked in this layer");
      }
    }
    source = source.resolve(linkPath.fileName());
    BasicFileAttributes attributes = lstat(source);
    if (attributes == null || attributes.isDirectory()) {
      throw ImageStoreException.badContent("hardlink '" + name + "' -> '" + entry.getLinkName()
          + "' does not name a file unpacked in this layer");
    }
    if (source.equals(target)) {
      return;
    }
    removeExisting(target, lstat(target));
    // link(2) does not follow a symlink source, so the new name is that symlink itself.
    Files.createLink(target, source);
  }

  private void applyMetadata(TarArchiveEntry entry, Path target, boolean directory, Map<String, byte[]> rawXattrs)
      throws IOException {
    FileSystemCalls.lchown(target, (int) entry.getLongUserId(), (int) entry.getLongGroupId());
    if (!entry.isSymbolicLink()) {
      // After chown: chown clears setuid/setgid.
      FileSystemCalls.chmod(target, entry.getMode());
    }
    boolean schily = entry.getExtraPaxHeaders().keySet().stream().anyMatch(k -> k.startsWith(XATTR_PAX_PREFIX));
    if (schily && rawXattrs == null) {
      throw ImageStoreException.badContent("layer entry '" + entry.getName()
          + "' has PAX xattrs whose raw bytes could not be read (malformed PAX or tar headers)");
    }
    if (rawXattrs != null) {
      for (Map.Entry<String, byte[]> xattr : rawXattrs.entrySet()) {
        if (!xattr.getKey().startsWith("trusted.overlay.")) {
          FileSystemCalls.lsetxattr(target, xattr.getKey(), xattr.getValue());
        }
      }
    }
    for (Map.Entry<String, String> header : entry.getExtraPaxHeaders().entrySet()) {
      String key = header.getKey();
      String xattr;
      byte[] value;
      if (key.startsWith(LIBARCHIVE_XATTR_PREFIX)) {
        xattr = java.net.URLDecoder.decode(key.substring(LIBARCHIVE_XATTR_PREFIX.length()), StandardCharsets.UTF_8);
        try {
          value = Base64.getDecoder().decode(header.getValue());
        } catch (IllegalArgumentException e) {
          throw ImageStoreException.badContent("layer entry '" + entry.getName() + "' has a malformed xattr " + xattr);
        }
      } else {
        continue;
      }
      if (xattr.startsWith("trusted.overlay.")) {
        continue;
      }
      FileSystemCalls.lsetxattr(target, xattr, value);
    }
    // PAX mtime carries nanoseconds; getModTime() would cut them to milliseconds.
    java.time.Instant mtime = entry.getLastModifiedTime().toInstant();
    long seconds = mtime.getEpochSecond();
    long nanos = mtime.getNano();
    if (directory) {
      directoryTimes.add(new DeferredTime(target, seconds, nanos));
    } else {
      FileSystemCalls.lutimes(target, seconds, nanos, seconds, nanos);
    }
  }

  /** Directory mtimes last, deepest first: creating entries inside a directory changes its mtime. */
  private void applyDirectoryTimes() throws IOException {
    for (int i = directoryTimes.size() - 1; i >= 0; i--) {
      DeferredTime time = directoryTimes.get(i);
      if (lstat(time.path()) != null) {
        FileSystemCalls.lutimes(time.path(), time.seconds(), time.nanos(), time.seconds(), time.nanos());
      }
    }
  }

  private static BasicFileAttributes lstat(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Removes what an earlier entry of this layer left at {@code target}; a directory goes with its contents. */
  private static void removeExisting(Path target, BasicFileAttributes existing) throws IOException {
    if (existing == null) {
      return;
    }
    if (!existing.isDirectory()) {
      Files.delete(target);
      return;
    }
    try {
      Files.delete(target);
    } catch (DirectoryNotEmptyException e) {
      deleteTree(target);
    }
  }

  /** Deletes a tree without following symlinks. */
  public static void deleteTree(Path dir) throws IOException {
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException error) throws IOException {
        if (error != null) {
          throw error;
        }
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
