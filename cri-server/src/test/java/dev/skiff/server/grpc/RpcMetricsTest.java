package dev.skiff.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.cri.v1.ContainerStatsRequest;
import dev.skiff.cri.v1.RuntimeServiceGrpc;
import dev.skiff.cri.v1.VersionRequest;
import dev.skiff.server.metrics.DaemonMetrics;
import dev.skiff.server.metrics.MetricsEndpoint;
import dev.skiff.server.rpc.runtime.Condition;
import dev.skiff.server.rpc.runtime.RuntimeConfigRpc;
import dev.skiff.server.rpc.runtime.HandlerFeatures;
import dev.skiff.server.rpc.runtime.StatusRpc;
import dev.skiff.server.rpc.runtime.UpdateRuntimeConfigRpc;
import dev.skiff.server.rpc.runtime.VersionRpc;
import dev.skiff.server.state.ContainerStore;
import dev.skiff.server.state.PodStore;
import dev.skiff.server.state.RuntimeSettingsStore;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CRI calls through the metrics interceptor, then a real HTTP scrape of the endpoint on loopback. */
class RpcMetricsTest {
  @TempDir Path stateDir;
  private Server server;
  private ManagedChannel channel;
  private MetricsEndpoint endpoint;

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
    if (endpoint != null) {
      endpoint.close();
    }
  }

  @Test
  void countsCallsAndErrorsByMethodAndCodeAndServesThemAsPrometheusText() throws Exception {
    DaemonMetrics metrics = new DaemonMetrics(new PodStore(stateDir), new ContainerStore(stateDir));
    StatusRpc status = new StatusRpc(Condition::ok, Condition::ok, Map::of, new HandlerFeatures(false, true, false));
    RuntimeServiceAdapter adapter = new RuntimeServiceAdapter(new VersionRpc(), status, new RuntimeConfigRpc(),
        new UpdateRuntimeConfigRpc(new RuntimeSettingsStore(stateDir)));
    ReadinessGate gate = new ReadinessGate();
    gate.open();
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(adapter, new RequestLogging(), gate, new RpcMetrics(metrics)))
        .build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime = RuntimeServiceGrpc.newBlockingStub(channel);

    runtime.version(VersionRequest.getDefaultInstance());
    runtime.version(VersionRequest.getDefaultInstance());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> runtime.containerStats(ContainerStatsRequest.newBuilder().setContainerId("x").build()));
    assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());

    endpoint = MetricsEndpoint.start("127.0.0.1", 0, metrics);
    HttpResponse<String> scrape = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.address().getPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, scrape.statusCode());
    assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    String text = scrape.body();

    assertEquals(2.0, value(text, "skiff_grpc_server_requests_seconds_count{code=\"OK\",method=\"Version\"}"));
    assertEquals(1.0, value(text,
        "skiff_grpc_server_errors_total{code=\"UNIMPLEMENTED\",method=\"ContainerStats\"}"));
    assertTrue(text.contains("skiff_grpc_server_requests_seconds_bucket{code=\"OK\",method=\"Version\",le=\"0.001\"}"),
        "latency histogram buckets");
    assertEquals(0.0, value(text, "skiff_pods{state=\"READY\"}"));
    assertEquals(0.0, value(text, "skiff_containers{state=\"RUNNING\"}"));
    assertEquals(0.0, value(text, "skiff_shims"));
    assertTrue(value(text, "jvm_memory_used_bytes{area=\"heap\",id=\"") >= 0, "JVM memory");

    HttpResponse<String> elsewhere = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.address().getPort() + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(404, elsewhere.statusCode());
  }

  /** The value of the first sample line starting with seriesPrefix; fails when there is none. */
  static double value(String text, String seriesPrefix) {
    for (String line : text.split("\n")) {
      if (line.startsWith(seriesPrefix)) {
        Matcher m = Pattern.compile("\\s(\\S+)$").matcher(line);
        assertTrue(m.find(), line);
        return Double.parseDouble(m.group(1));
      }
    }
    throw new AssertionError("no series " + seriesPrefix + " in:\n" + text);
  }
}
