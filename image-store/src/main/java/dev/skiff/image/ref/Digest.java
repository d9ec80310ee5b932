package dev.skiff.image.ref;

import dev.skiff.image.ImageStoreException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest, {@code sha256:<64 hex>}; the only algorithm skiff accepts. */
public record Digest(String hex) {
  private static final Pattern HEX = Pattern.compile("[a-f0-9]{64}");

  public Digest {
    if (hex == null || !HEX.matcher(hex).matches()) {
      throw ImageStoreException.invalid("invalid sha256 digest hex '" + hex + "'");
    }
  }

  /** Parses {@code sha256:HEX}; other algorithms are refused by name. */
  public static Digest parse(String text) {
    if (text == null) {
      throw ImageStoreException.invalid("digest is missing");
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw ImageStoreException.invalid("invalid digest '" + text + "': expected sha256:HEX");
    }
    String algorithm = text.substring(0, colon);
    if (!algorithm.equals("sha256")) {
      throw ImageStoreException.invalid("unsupported digest algorithm '" + algorithm + "' in '" + text + "'");
    }
    return new Digest(text.substring(colon + 1));
  }

  public static boolean isDigest(String text) {
    return text != null && text.startsWith("sha256:") && HEX.matcher(text.substring(7)).matches();
  }

  public static Digest of(byte[] content) {
    return fromBytes(newSha256().digest(content));
  }

  public static Digest fromBytes(byte[] sha256) {
    return new Digest(HexFormat.of().formatHex(sha256));
  }

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** A short form for log lines. */
  public String shortHex() {
    return hex.substring(0, 12);
  }

  @Override
  public String toString() {
    return "sha256:" + hex;
  }
}
