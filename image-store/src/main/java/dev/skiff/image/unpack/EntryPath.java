package dev.skiff.image.unpack;

import dev.skiff.image.ImageStoreException;
import java.util.ArrayList;
import java.util.List;

/**
 * A tar entry name reduced to its components below the snapshot root. Names with a
 * {@code ..} component or a leading {@code /} are refused, never cleaned: a layer that
 * carries them is hostile or broken, and both deserve the same answer.
 */
public record EntryPath(List<String> components) {
  public EntryPath {
    components = List.copyOf(components);
  }

  public static EntryPath parse(String name, String what) {
    if (name == null || name.isEmpty()) {
      throw ImageStoreException.badContent(what + " has an empty name");
    }
    if (name.startsWith("/")) {
      throw ImageStoreException.badContent(what + " '" + name + "' is an absolute path");
    }
    if (name.indexOf('\0') >= 0) {
      throw ImageStoreException.badContent(what + " '" + name.replace('\0', '?') + "' contains a NUL byte");
    }
    List<String> parts = new ArrayList<>();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw ImageStoreException.badContent(what + " '" + name + "' has a '..' component");
      }
      parts.add(part);
    }
    return new EntryPath(parts);
  }

  public boolean isRoot() {
    return components.isEmpty();
  }

  public String fileName() {
    return components.get(components.size() - 1);
  }

  public EntryPath parent() {
    return new EntryPath(components.subList(0, components.size() - 1));
  }

  public EntryPath child(String name) {
    List<String> parts = new ArrayList<>(components);
    parts.add(name);
    return new EntryPath(parts);
  }

  @Override
  public String toString() {
    return components.isEmpty() ? "/" : String.join("/", components);
  }
}
