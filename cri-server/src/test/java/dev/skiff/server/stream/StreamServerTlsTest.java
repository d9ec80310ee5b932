package dev.skiff.server.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.stream.Stdio;
import dev.skiff.server.config.StreamingConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** [streaming] with tls_cert_file/tls_key_file: HTTPS URLs, TLS on the wire, plain HTTP refused. */
class StreamServerTlsTest {
  @TempDir
  Path dir;

  @Test
  void servesHttpsWithThePemPairFromTheConfig() throws Exception {
    Path cert = dir.resolve("stream.crt");
    Path key = dir.resolve("stream.key");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=127.0.0.1", "-keyout", key.toString(), "-out", cert.toString())
        .redirectErrorStream(true).start();
    openssl.getInputStream().readAllBytes();
    assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, "openssl failed");

    StreamingConfig config = new StreamingConfig("127.0.0.1", 0, 60, cert.toString(), key.toString(), 0);
    try (StreamServer server = StreamServer.start(config, new HostProcessBackend())) {
      String url = server.urlFor(new PendingStream.Exec("c", List.of("true"), new Stdio(false, true, false, false)));
      assertTrue(url.startsWith("https://127.0.0.1:"), url);
      URI uri = URI.create(url);
      String reply = httpsGet(uri, uri.getRawPath());
      // The token was good, but a GET without upgrade headers cannot be served.
      assertTrue(reply.startsWith("HTTP/1.1 400"), reply);
      assertTrue(httpsGet(uri, uri.getRawPath()).startsWith("HTTP/1.1 404"), "token must be single-use over TLS too");
      assertThrows(IOException.class, () -> plainGet(uri));
    }
  }

  private static String httpsGet(URI uri, String path) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new TrustAll()}, null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void plainGet(URI uri) throws IOException {
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET /exec/x HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      if (!answer.startsWith("HTTP/1.1")) {
        throw new IOException("not HTTP: the server speaks TLS only");
      }
    }
  }

  private static final class TrustAll implements X509TrustManager {
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
