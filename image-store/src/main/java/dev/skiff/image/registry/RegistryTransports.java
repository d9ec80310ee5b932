package dev.skiff.image.registry;

import dev.skiff.image.ImageStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Turns the per-registry settings into endpoints: which URLs serve a registry (mirrors
 * first and only, else the host itself, {@code docker.io} being served by
 * {@code registry-1.docker.io}), over HTTP or HTTPS, and with which trust: the system
 * store, plus an extra CA file, or no verification at all. One HttpClient per distinct
 * trust setting, built once.
 */
public final class RegistryTransports {
  private static final String DOCKER_HUB = "docker.io";
  private static final String DOCKER_HUB_API = "registry-1.docker.io";

  private record TrustKey(boolean skipVerify, Path caFile) {}

  private final Map<String, RegistryHost> hosts;
  private final Set<String> insecureRegistries;
  private final Duration connectTimeout;
  private final Map<TrustKey, HttpClient> clients = new ConcurrentHashMap<>();

  public RegistryTransports(Map<String, RegistryHost> hosts, Set<String> insecureRegistries, Duration connectTimeout) {
    this.hosts = Map.copyOf(hosts);
    this.insecureRegistries = Set.copyOf(insecureRegistries);
    this.connectTimeout = connectTimeout;
  }

  public List<RegistryEndpoint> endpoints(String registry) {
    RegistryHost host = hosts.getOrDefault(registry, RegistryHost.DEFAULT);
    HttpClient client = client(new TrustKey(host.skipVerify(), host.caFile()));
    List<RegistryEndpoint> endpoints = new ArrayList<>();
    for (URI mirror : host.mirrors()) {
      endpoints.add(new RegistryEndpoint(registry, URI.create(mirror.getScheme() + "://" + mirror.getRawAuthority()), client));
    }
    if (endpoints.isEmpty()) {
      boolean plain = host.plainHttp() || insecureRegistries.contains(registry);
      String authority = registry.equals(DOCKER_HUB) ? DOCKER_HUB_API : registry;
      endpoints.add(new RegistryEndpoint(registry, URI.create((plain ? "http" : "https") + "://" + authority), client));
    }
    return endpoints;
  }

  private HttpClient client(TrustKey key) {
    return clients.computeIfAbsent(key, k -> HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout)
        .sslContext(sslContext(k))
        .build());
  }

  private static SSLContext sslContext(TrustKey key) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      if (key.skipVerify()) {
        context.init(null, new TrustManager[] {new TrustEverything()}, null);
      } else if (key.caFile() != null) {
        context.init(null, trustWithExtraCa(key.caFile()), null);
      } else {
        return SSLContext.getDefault();
      }
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new ImageStoreException(ImageStoreException.Kind.INTERNAL,
          "cannot set up TLS" + (key.caFile() != null ? " with CA file " + key.caFile() : "") + ": " + e.getMessage(), e);
    }
  }

  /** The JDK's default trust anchors plus every certificate in the CA file. */
  private static TrustManager[] trustWithExtraCa(Path caFile) throws GeneralSecurityException, IOException {
    TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    defaults.init((KeyStore) null);
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int n = 0;
    for (TrustManager manager : defaults.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        for (X509Certificate anchor : x509.getAcceptedIssuers()) {
          store.setCertificateEntry("system-" + n++, anchor);
        }
      }
    }
    try (InputStream in = Files.newInputStream(caFile)) {
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-file-" + n++, certificate);
      }
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  /** skip_verify: no chain and no host name check, for registries the operator named explicitly. */
  private static final class TrustEverything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
