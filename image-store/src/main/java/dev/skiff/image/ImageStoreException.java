package dev.skiff.image;

/**
 * Every failure the image store reports, classified once where it is detected; the CRI
 * server maps each kind to a gRPC code in one place.
 */
public class ImageStoreException extends RuntimeException {
  public enum Kind {
    /** The caller's input is malformed (a reference, a digest). */
    INVALID,
    /** The repository, tag, digest or image does not exist. */
    NOT_FOUND,
    /** The registry refused the credentials (or anonymous access). */
    AUTHENTICATION,
    /** The registry could not be reached, answered an error, or stalled. */
    UNAVAILABLE,
    /** The image is of a kind skiff does not pull (schema1, no linux/amd64 entry). */
    UNSUPPORTED,
    /** Content did not match its digest or size, or a layer is hostile or malformed. */
    BAD_CONTENT,
    /** A layer would unpack past the configured size cap or the disk's free-space reserve. */
    RESOURCE_EXHAUSTED,
    /** A local failure: disk, permissions, a bug. */
    INTERNAL
  }

  private final Kind kind;

  public ImageStoreException(Kind kind, String message) {
    this(kind, message, null);
  }

  public ImageStoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  public static ImageStoreException invalid(String message) {
    return new ImageStoreException(Kind.INVALID, message);
  }

  public static ImageStoreException notFound(String message) {
    return new ImageStoreException(Kind.NOT_FOUND, message);
  }

  public static ImageStoreException badContent(String message) {
    return new ImageStoreException(Kind.BAD_CONTENT, message);
  }

  public static ImageStoreException internal(String message, Throwable cause) {
    return new ImageStoreException(Kind.INTERNAL, message, cause);
  }
}
