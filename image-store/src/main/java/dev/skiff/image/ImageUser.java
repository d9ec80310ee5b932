package dev.skiff.image;

/**
 * An image's User ({@code uid}, {@code name}, {@code uid:gid}, {@code name:group}) as the
 * CRI reports it: uid when the user part is numeric, username otherwise; null fields are
 * absent.
 */
public record ImageUser(Long uid, String username) {
  public static ImageUser parse(String user) {
    if (user == null || user.isEmpty()) {
      return new ImageUser(null, null);
    }
    int colon = user.indexOf(':');
    String name = colon < 0 ? user : user.substring(0, colon);
    if (name.matches("[0-9]{1,10}")) {
      return new ImageUser(Long.parseLong(name), null);
    }
    return new ImageUser(null, name.isEmpty() ? null : name);
  }
}
