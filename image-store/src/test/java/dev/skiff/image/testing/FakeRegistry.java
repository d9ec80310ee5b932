package dev.skiff.image.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.skiff.image.ref.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process registry on 127.0.0.1 for unit tests of the pull path: OCI distribution
 * manifests and blobs, an optional bearer-token flow with basic-auth credentials, and
 * faults injected per blob. Integration tests use the real docker-registry instead.
 */
public final class FakeRegistry implements AutoCloseable {
  public enum Fault { CORRUPT, DISCONNECT_HALFWAY, STALL }

  private record Manifest(byte[] bytes, String mediaType) {}

  private final HttpServer server;
  private final Map<String, Manifest> manifests = new ConcurrentHashMap<>();
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final Map<String, Fault> faults = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> blobRequests = new ConcurrentHashMap<>();
  private volatile String user;
  private volatile String password;
  private volatile byte[] tokenAnswer;
  private static final String TOKEN = "token-" + System.nanoTime();

  public FakeRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fake-registry");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/v2/", this::handle);
    server.createContext("/token", this::token);
    server.start();
  }

  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Requires a bearer token obtained from /token with these basic-auth credentials. */
  public void requireAuth(String user, String password) {
    this.user = user;
    this.password = password;
  }

  /** Makes the token service answer 200 with this body instead of a token. */
  public void answerTokensWith(byte[] body) {
    this.tokenAnswer = body;
  }

  public void fault(Digest blob, Fault fault) {
    if (fault == null) {
      faults.remove(blob.toString());
    } else {
      faults.put(blob.toString(), fault);
    }
  }

  public int blobRequests(Digest blob) {
    return blobRequests.getOrDefault(blob.toString(), new AtomicInteger()).get();
  }

  public void putBlob(byte[] content) {
    blobs.put(Digest.of(content).toString(), content);
  }

  public Digest putManifest(String repository, String tag, byte[] manifest, String mediaType) {
    Digest digest = Digest.of(manifest);
    manifests.put(repository + "@" + digest, new Manifest(manifest, mediaType));
    if (tag != null) {
      manifests.put(repository + ":" + tag, new Manifest(manifest, mediaType));
    }
    return digest;
  }

  private boolean authorized(HttpExchange exchange) throws IOException {
    if (user == null) {
      return true;
    }
    if (("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      return true;
    }
    exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + host()
        + "/token\",service=\"fake\",scope=\"repository:x:pull\"");
    send(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}".getBytes(), null);
    return false;
  }

  private void token(HttpExchange exchange) throws IOException {
    String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      send(exchange, 401, "{\"details\":\"incorrect username or password\"}".getBytes(), null);
      return;
    }
    byte[] answer = tokenAnswer;
    send(exchange, 200, answer != null ? answer : ("{\"token\":\"" + TOKEN + "\"}").getBytes(), "application/json");
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!authorized(exchange)) {
        return;
      }
      String path = exchange.getRequestURI().getPath().substring("/v2/".length());
      int manifestsAt = path.indexOf("/manifests/");
      int blobsAt = path.indexOf("/blobs/");
      if (manifestsAt > 0) {
        String repository = path.substring(0, manifestsAt);
        String reference = path.substring(manifestsAt + "/manifests/".length());
        Manifest manifest = manifests.get(repository + (reference.startsWith("sha256:") ? "@" : ":") + reference);
        if (manifest == null) {
          send(exchange, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}".getBytes(), null);
        } else {
          send(exchange, 200, manifest.bytes(), manifest.mediaType());
        }
      } else if (blobsAt > 0) {
        String digest = path.substring(blobsAt + "/blobs/".length());
        blobRequests.computeIfAbsent(digest, d -> new AtomicInteger()).incrementAndGet();
        byte[] blob = blobs.get(digest);
        if (blob == null) {
          send(exchange, 404, "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown\"}]}".getBytes(), null);
          return;
        }
        Fault fault = faults.get(digest);
        if (fault == null) {
          send(exchange, 200, blob, "application/octet-stream");
        } else {
          sendFaulty(exchange, blob, fault);
        }
      } else {
        send(exchange, 200, "{}".getBytes(), "application/json");
      }
    }
  }

  private static void sendFaulty(HttpExchange exchange, byte[] blob, Fault fault) throws IOException {
    exchange.sendResponseHeaders(200, blob.length);
    OutputStream out = exchange.getResponseBody();
    switch (fault) {
      case CORRUPT -> {
        byte[] copy = blob.clone();
        copy[copy.length / 2] ^= 0x55;
        out.write(copy);
        out.close();
      }
      case DISCONNECT_HALFWAY -> {
        out.write(blob, 0, blob.length / 2);
        out.flush();
        // Closing the exchange with fewer bytes than announced drops the connection.
        exchange.close();
      }
      case STALL -> {
        out.write(blob, 0, blob.length / 2);
        out.flush();
        try {
          Thread.sleep(30_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        exchange.close();
      }
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body, String contentType) throws IOException {
    if (contentType != null) {
      exchange.getResponseHeaders().add("Content-Type", contentType);
    }
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** Builds an OCI image from uncompressed layer tars, pushes its blobs and manifest, returns the manifest digest. */
  public TestImage push(String repository, String tag, String user, List<byte[]> tars) {
    StringBuilder diffIds = new StringBuilder();
    StringBuilder layers = new StringBuilder();
    List<Digest> layerDigests = new java.util.ArrayList<>();
    for (byte[] tar : tars) {
      byte[] gz = TarBuilder.gzip(tar);
      putBlob(gz);
      layerDigests.add(Digest.of(gz));
      diffIds.append(diffIds.length() == 0 ? "" : ",").append('"').append(Digest.of(tar)).append('"');
      layers.append(layers.length() == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",")
          .append("\"digest\":\"").append(Digest.of(gz)).append("\",\"size\":").append(gz.length).append('}');
    }
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"" + user + "\",\"Env\":[\"PATH=/bin\"],"
        + "\"Entrypoint\":[\"/bin/sh\"],\"Cmd\":[\"-c\",\"echo hi\"],\"WorkingDir\":\"/work\"},"
        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}").getBytes(StandardCharsets.UTF_8);
    putBlob(config);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Digest.of(config)
        + "\",\"size\":" + config.length + "},\"layers\":[" + layers + "]}").getBytes(StandardCharsets.UTF_8);
    Digest manifestDigest = putManifest(repository, tag, manifest, "application/vnd.oci.image.manifest.v1+json");
    return new TestImage(manifestDigest, Digest.of(config), layerDigests);
  }

  /** What {@link #push} made. */
  public record TestImage(Digest manifest, Digest config, List<Digest> layers) {}
}
