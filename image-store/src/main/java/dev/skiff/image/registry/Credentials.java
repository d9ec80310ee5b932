package dev.skiff.image.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The CRI AuthConfig fields: username/password, or {@code auth} (base64 "user:password"),
 * an OAuth2 refresh token ({@code identityToken}) or a ready bearer token
 * ({@code registryToken}). Empty strings mean absent.
 */
public record Credentials(String username, String password, String auth, String identityToken, String registryToken) {
  public static final Credentials ANONYMOUS = new Credentials("", "", "", "", "");

  public Credentials {
    username = username == null ? "" : username;
    password = password == null ? "" : password;
    auth = auth == null ? "" : auth;
    identityToken = identityToken == null ? "" : identityToken;
    registryToken = registryToken == null ? "" : registryToken;
  }

  public boolean isAnonymous() {
    return basicAuthHeader() == null && identityToken.isEmpty() && registryToken.isEmpty();
  }

  /** {@code Basic base64(user:password)}, from username/password or from auth; null if neither is set. */
  public String basicAuthHeader() {
    if (!username.isEmpty()) {
      return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
    if (!auth.isEmpty()) {
      return "Basic " + auth.trim();
    }
    return null;
  }

  /** The user name, for the OAuth2 refresh-token grant and for messages; never the secret. */
  public String user() {
    if (!username.isEmpty()) {
      return username;
    }
    if (!auth.isEmpty()) {
      try {
        String decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon < 0 ? decoded : decoded.substring(0, colon);
      } catch (IllegalArgumentException e) {
        return "";
      }
    }
    return "";
  }

  @Override
  public String toString() {
    return isAnonymous() ? "Credentials[anonymous]" : "Credentials[user=" + user() + "]";
  }
}
