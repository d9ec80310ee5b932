package dev.skiff.image.ref;

import dev.skiff.image.ImageStoreException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A normalized image reference, {@code domain/path[:tag][@digest]}, parsed as Docker and
 * containerd do: {@code busybox} is {@code docker.io/library/busybox:latest}; the first
 * component is a registry only if it has a dot or a colon or is {@code localhost}; a
 * reference without tag or digest gets {@code latest}.
 */
public record ImageReference(String domain, String path, String tag, Digest digest) {
  public static final String DEFAULT_DOMAIN = "docker.io";
  public static final String DEFAULT_TAG = "latest";

  private static final Pattern DOMAIN = Pattern.compile(
      "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?"
          + "|\\[[a-fA-F0-9:]+\\](?::[0-9]+)?");
  private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern IMAGE_ID = Pattern.compile("(?:sha256:)?[a-f0-9]{64}");
  private static final int MAX_NAME_LENGTH = 255;

  public ImageReference {
    if (tag == null && digest == null) {
      tag = DEFAULT_TAG;
    }
  }

  public static ImageReference parse(String text) {
    if (text == null || text.isEmpty()) {
      throw ImageStoreException.invalid("image reference is empty");
    }
    if (IMAGE_ID.matcher(text).matches()) {
      throw ImageStoreException.invalid("'" + text + "' is an image id, not a reference to pull");
    }
    String rest = text;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      try {
        digest = Digest.parse(rest.substring(at + 1));
      } catch (ImageStoreException e) {
        throw ImageStoreException.invalid("invalid image reference '" + text + "': " + e.getMessage());
      }
      rest = rest.substring(0, at);
    }
    String tag = null;
    int lastSlash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > lastSlash) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw ImageStoreException.invalid("invalid image reference '" + text + "': bad tag '" + tag + "'");
      }
    }
    String domain;
    String path;
    int slash = rest.indexOf('/');
    String first = slash < 0 ? rest : rest.substring(0, slash);
    boolean firstIsDomain = slash >= 0
        && (first.contains(".") || first.contains(":") || first.equals("localhost") || first.startsWith("["));
    if (firstIsDomain) {
      domain = first;
      path = rest.substring(slash + 1);
    } else {
      domain = DEFAULT_DOMAIN;
      path = rest;
    }
    if (domain.equals("index.docker.io")) {
      domain = DEFAULT_DOMAIN;
    }
    if (!DOMAIN.matcher(domain).matches()) {
      throw ImageStoreException.invalid("invalid image reference '" + text + "': bad registry '" + domain + "'");
    }
    if (domain.equals(DEFAULT_DOMAIN) && !path.contains("/")) {
      path = "library/" + path;
    }
    if (path.isEmpty()) {
      throw ImageStoreException.invalid("invalid image reference '" + text + "': repository name is empty");
    }
    for (String component : path.split("/", -1)) {
      if (!PATH_COMPONENT.matcher(component).matches()) {
        String why = component.equals(component.toLowerCase()) ? "bad repository name component '" + component + "'"
            : "repository name must be lowercase";
        throw ImageStoreException.invalid("invalid image reference '" + text + "': " + why);
      }
    }
    if (domain.length() + 1 + path.length() > MAX_NAME_LENGTH) {
      throw ImageStoreException.invalid("invalid image reference '" + text + "': name longer than 255 characters");
    }
    return new ImageReference(domain, path, tag, digest);
  }

  /** The repository name without tag or digest: {@code docker.io/library/busybox}. */
  public String repository() {
    return domain + "/" + path;
  }

  /** What the registry's manifest endpoint is asked for: the digest if there is one, else the tag. */
  public String manifestReference() {
    return digest != null ? digest.toString() : tag;
  }

  /** {@code repository:tag}, when the reference has a tag. */
  public Optional<String> repoTag() {
    return tag == null ? Optional.empty() : Optional.of(repository() + ":" + tag);
  }

  /** {@code repository@digest} for the given manifest digest. */
  public String repoDigest(Digest manifestDigest) {
    return repository() + "@" + manifestDigest;
  }

  @Override
  public String toString() {
    return repository() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }
}
