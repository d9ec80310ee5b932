package dev.skiff.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves a path inside a container root the way the container would see it: symlinks in
 * the image, absolute or with "..", never lead out of the root. Used to read the image's
 * /etc/passwd and /etc/group before the container runs (the shim resolves its mount
 * targets itself, in the kernel, with openat2 RESOLVE_IN_ROOT).
 */
public final class RootedPath {
  private static final int MAX_SYMLINKS = 40;

  private RootedPath() {}

  public static Path resolve(Path root, String path) throws IOException {
    Deque<String> pending = new ArrayDeque<>();
    push(pending, path);
    Deque<String> resolved = new ArrayDeque<>();
    int links = 0;
    while (!pending.isEmpty()) {
      String part = pending.pop();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        resolved.pollLast();
        continue;
      }
      Path candidate = join(root, resolved).resolve(part);
      if (Files.isSymbolicLink(candidate)) {
        if (++links > MAX_SYMLINKS) {
          throw new IOException("too many symlinks resolving " + path + " in " + root);
        }
        String target = Files.readSymbolicLink(candidate).toString();
        if (target.startsWith("/")) {
          resolved.clear();
        }
        push(pending, target);
        continue;
      }
      resolved.addLast(part);
    }
    return join(root, resolved);
  }

  private static void push(Deque<String> pending, String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      pending.push(parts[i]);
    }
  }

  private static Path join(Path root, Deque<String> parts) {
    Path p = root;
    for (String part : parts) {
      p = p.resolve(part);
    }
    return p;
  }

  /** Reads a small file of the image, or returns null when it does not exist. */
  public static String readIfExists(Path root, String path) throws IOException {
    Path file = resolve(root, path);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    return Files.readString(file);
  }
}
