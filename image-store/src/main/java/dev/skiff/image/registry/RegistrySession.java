package dev.skiff.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.image.ImageStoreException;
import dev.skiff.image.ImageStoreException.Kind;
import dev.skiff.image.ref.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Talks to one endpoint about one repository for one pull: GETs with the auth the
 * registry asks for. On a 401 it reads the challenge: Bearer → fetch a token from the
 * realm (with the credentials as Basic auth, or the identity token as an OAuth2 refresh
 * token; a registry token is used as the bearer token directly), Basic → send the
 * credentials; then retries once. Redirects (blob storage) are followed by hand, without
 * the Authorization header.
 */
public final class RegistrySession {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REDIRECTS = 5;
  private static final long MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
  private static final int MAX_TOKEN_BYTES = 1024 * 1024;

  private final RegistryEndpoint endpoint;
  private final String repository;
  private final Credentials credentials;
  private final Duration headerTimeout;
  private volatile String authorization;

  public RegistrySession(RegistryEndpoint endpoint, String repository, Credentials credentials, Duration headerTimeout) {
    this.endpoint = endpoint;
    this.repository = repository;
    this.credentials = credentials;
    this.headerTimeout = headerTimeout;
    if (!credentials.registryToken().isEmpty()) {
      authorization = "Bearer " + credentials.registryToken();
    }
  }

  public RegistryEndpoint endpoint() {
    return endpoint;
  }

  /** The manifest (or index) named by a tag or digest, with its media type and digest. */
  public FetchedManifest manifest(String reference, String what) throws IOException {
    HttpResponse<InputStream> response = get("/v2/" + repository + "/manifests/" + reference, MediaTypes.MANIFEST_ACCEPT,
        what);
    try (InputStream body = response.body()) {
      byte[] bytes = body.readNBytes((int) MAX_MANIFEST_BYTES + 1);
      if (bytes.length > MAX_MANIFEST_BYTES) {
        throw ImageStoreException.badContent("manifest of " + what + " is larger than 4 MiB");
      }
      String mediaType = response.headers().firstValue("Content-Type").orElse("");
      int semicolon = mediaType.indexOf(';');
      if (semicolon >= 0) {
        mediaType = mediaType.substring(0, semicolon);
      }
      return new FetchedManifest(bytes, mediaType.trim(), Digest.of(bytes));
    }
  }

  /** Opens a blob's bytes; the caller verifies them and closes the stream. */
  public InputStream blob(Digest digest, String what) throws IOException {
    return get("/v2/" + repository + "/blobs/" + digest, "*/*", what).body();
  }

  private HttpResponse<InputStream> get(String path, String accept, String what) throws IOException {
    URI uri = endpoint.base().resolve(path);
    HttpResponse<InputStream> response = send(uri, accept, authorization);
    if (response.statusCode() == 401) {
      String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
      response.body().close();
      authorization = authorize(challenge, what);
      response = send(uri, accept, authorization);
      if (response.statusCode() == 401 || response.statusCode() == 403) {
        response.body().close();
        throw authenticationFailed(what, "the registry refused the " + (credentials.isAnonymous() ? "anonymous " : "")
            + "token (repository does not exist or requires authorization)");
      }
    }
    for (int hop = 0; isRedirect(response.statusCode()); hop++) {
      response.body().close();
      if (hop == MAX_REDIRECTS) {
        throw unavailable("too many redirects fetching " + what, null);
      }
      URI location = uri.resolve(response.headers().firstValue("Location")
          .orElseThrow(() -> unavailable("redirect without Location fetching " + what, null)));
      uri = location;
      response = send(uri, accept, null);
    }
    int status = response.statusCode();
    if (status == 200) {
      return response;
    }
    String detail = errorDetail(response);
    if (status == 404) {
      throw ImageStoreException.notFound(what + " not found on registry " + endpoint.describe()
          + (detail.isEmpty() ? "" : ": " + detail));
    }
    if (status == 401 || status == 403) {
      throw authenticationFailed(what, detail);
    }
    throw unavailable("registry " + endpoint.describe() + " answered HTTP " + status + " for " + what
        + (detail.isEmpty() ? "" : ": " + detail), null);
  }

  private HttpResponse<InputStream> send(URI uri, String accept, String auth) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(headerTimeout)
        .header("Accept", accept).header("User-Agent", "skiff");
    if (auth != null) {
      request.header("Authorization", auth);
    }
    try {
      return endpoint.client().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while talking to registry " + endpoint.describe());
    } catch (IOException e) {
      throw unavailable("cannot reach registry " + endpoint.describe() + " at " + uri.getScheme() + "://"
          + uri.getAuthority() + ": " + describe(e), e);
    }
  }

  private String authorize(String header, String what) throws IOException {
    AuthChallenge challenge = AuthChallenge.parse(header);
    if (challenge.scheme().equals("basic")) {
      String basic = credentials.basicAuthHeader();
      if (basic == null) {
        throw authenticationFailed(what, "the registry requires credentials and none were given");
      }
      return basic;
    }
    if (!challenge.scheme().equals("bearer") || challenge.parameter("realm").isEmpty()) {
      throw authenticationFailed(what, "unsupported challenge '" + header + "'");
    }
    return "Bearer " + fetchToken(challenge, what);
  }

  private String fetchToken(AuthChallenge challenge, String what) throws IOException {
    String scope = challenge.parameter("scope").isEmpty() ? "repository:" + repository + ":pull" : challenge.parameter("scope");
    String service = challenge.parameter("service");
    URI realm = URI.create(challenge.parameter("realm"));
    HttpRequest.Builder request;
    if (!credentials.identityToken().isEmpty()) {
      String form = "grant_type=refresh_token&client_id=skiff&service=" + encode(service) + "&scope=" + encode(scope)
          + "&refresh_token=" + encode(credentials.identityToken());
      request = HttpRequest.newBuilder(realm).POST(HttpRequest.BodyPublishers.ofString(form))
          .header("Content-Type", "application/x-www-form-urlencoded");
    } else {
      String query = (service.isEmpty() ? "" : "service=" + encode(service) + "&") + "scope=" + encode(scope);
      request = HttpRequest.newBuilder(URI.create(realm + (realm.getRawQuery() == null ? "?" : "&") + query)).GET();
      String basic = credentials.basicAuthHeader();
      if (basic != null) {
        request.header("Authorization", basic);
      }
    }
    request.timeout(headerTimeout).header("User-Agent", "skiff");
    HttpResponse<InputStream> response;
    try {
      response = endpoint.client().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while fetching a token from " + realm);
    } catch (IOException e) {
      throw unavailable("cannot reach the token service " + realm + " of registry " + endpoint.describe() + ": "
          + describe(e), e);
    }
    byte[] bytes;
    try (InputStream in = response.body()) {
      if (response.statusCode() == 401 || response.statusCode() == 403) {
        throw authenticationFailed(what, "the token service rejected the credentials"
            + (credentials.user().isEmpty() ? "" : " of user '" + credentials.user() + "'"));
      }
      if (response.statusCode() != 200) {
        throw unavailable("token service " + realm + " answered HTTP " + response.statusCode(), null);
      }
      // The realm comes from the registry's challenge: never let it fill skiffd's heap.
      bytes = in.readNBytes(MAX_TOKEN_BYTES + 1);
    }
    if (bytes.length > MAX_TOKEN_BYTES) {
      throw unavailable("token service " + realm + " answered with more than 1 MiB", null);
    }
    JsonNode body;
    try {
      body = JSON.readTree(bytes);
    } catch (IOException e) {
      throw unavailable("token service " + realm + " answered with something that is not JSON", e);
    }
    if (body == null || !body.isObject()) {
      throw unavailable("token service " + realm + " answered with something that is not a JSON object", null);
    }
    String token = Optional.ofNullable(body.get("token")).or(() -> Optional.ofNullable(body.get("access_token")))
        .map(JsonNode::asText).orElse("");
    if (token.isEmpty()) {
      throw unavailable("token service " + realm + " answered without a token", null);
    }
    return token;
  }

  private ImageStoreException authenticationFailed(String what, String detail) {
    return new ImageStoreException(Kind.AUTHENTICATION, "authentication failed for registry " + endpoint.describe()
        + " while fetching " + what + (detail.isEmpty() ? "" : ": " + detail));
  }

  private ImageStoreException unavailable(String message, Throwable cause) {
    return new ImageStoreException(Kind.UNAVAILABLE, message, cause);
  }

  private static String errorDetail(HttpResponse<InputStream> response) {
    try (InputStream body = response.body()) {
      byte[] bytes = body.readNBytes(4096);
      JsonNode errors = JSON.readTree(bytes).path("errors");
      if (errors.isArray() && errors.size() > 0) {
        JsonNode first = errors.get(0);
        return first.path("code").asText("") + " " + first.path("message").asText("");
      }
      return "";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    if (message == null || message.isEmpty()) {
      message = e.getClass().getSimpleName();
    }
    return e.getCause() != null && e.getCause().getMessage() != null && !message.contains(e.getCause().getMessage())
        ? message + " (" + e.getCause().getMessage() + ")" : message;
  }
}
