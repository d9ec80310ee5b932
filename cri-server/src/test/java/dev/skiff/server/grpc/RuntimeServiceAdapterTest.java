package dev.skiff.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.cri.v1.CgroupDriver;
import dev.skiff.cri.v1.ListContainersRequest;
import dev.skiff.cri.v1.NetworkConfig;
import dev.skiff.cri.v1.RuntimeCondition;
import dev.skiff.cri.v1.RuntimeConfig;
import dev.skiff.cri.v1.RuntimeConfigRequest;
import dev.skiff.cri.v1.RuntimeServiceGrpc;
import dev.skiff.cri.v1.StatusRequest;
import dev.skiff.cri.v1.StatusResponse;
import dev.skiff.cri.v1.UpdateRuntimeConfigRequest;
import dev.skiff.cri.v1.VersionRequest;
import dev.skiff.cri.v1.VersionResponse;
import dev.skiff.server.rpc.runtime.Condition;
import dev.skiff.server.rpc.runtime.RuntimeConfigRpc;
import dev.skiff.server.rpc.runtime.HandlerFeatures;
import dev.skiff.server.rpc.runtime.StatusRpc;
import dev.skiff.server.rpc.runtime.UpdateRuntimeConfigRpc;
import dev.skiff.server.rpc.runtime.VersionRpc;
import dev.skiff.server.state.RuntimeSettingsStore;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RuntimeService edge in-process: codes, messages and the readiness gate. */
class RuntimeServiceAdapterTest {
  @TempDir
  Path stateDir;

  private Server server;
  private ManagedChannel channel;
  private ReadinessGate gate;
  private RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime;

  @BeforeEach
  void start() throws IOException {
    String name = InProcessServerBuilder.generateName();
    RuntimeServiceAdapter adapter = adapter(new RuntimeSettingsStore(stateDir));
    gate = new ReadinessGate();
    server = InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(adapter, new RequestLogging(), gate))
        .build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    runtime = RuntimeServiceGrpc.newBlockingStub(channel);
  }

  private static RuntimeServiceAdapter adapter(RuntimeSettingsStore settings) {
    StatusRpc status = new StatusRpc(Condition::ok,
        () -> new Condition(false, "NetworkNotBuilt", "no network"), () -> Map.of("config", "{}"),
        new HandlerFeatures(true, false, true));
    return new RuntimeServiceAdapter(new VersionRpc(), status, new RuntimeConfigRpc(),
        new UpdateRuntimeConfigRpc(settings));
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void callsWaitForRecoveryWithUnavailable() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> runtime.version(VersionRequest.getDefaultInstance()));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    gate.open();
    assertEquals("skiff", runtime.version(VersionRequest.getDefaultInstance()).getRuntimeName());
  }

  @Test
  void versionNamesSkiffAndApiV1() {
    gate.open();
    VersionResponse version = runtime.version(VersionRequest.newBuilder().setVersion("0.1.0").build());
    assertEquals("skiff", version.getRuntimeName());
    assertEquals("v1", version.getRuntimeApiVersion());
    assertEquals("0.1.0", version.getVersion());
    assertFalse(version.getRuntimeVersion().isEmpty());
  }

  @Test
  void statusTellsTheTruthAboutEachCondition() {
    gate.open();
    StatusResponse status = runtime.status(StatusRequest.newBuilder().setVerbose(true).build());
    Map<String, RuntimeCondition> byType = new java.util.HashMap<>();
    status.getStatus().getConditionsList().forEach(c -> byType.put(c.getType(), c));
    assertTrue(byType.get("RuntimeReady").getStatus());
    assertFalse(byType.get("NetworkReady").getStatus());
    assertEquals("NetworkNotBuilt", byType.get("NetworkReady").getReason());
    assertEquals("", status.getRuntimeHandlers(0).getName());
    assertTrue(status.getRuntimeHandlers(0).getFeatures().getRecursiveReadOnlyMounts());
    // The user namespace probe said no (as Daemon's does when idmapped mounts fail): Status says no.
    assertFalse(status.getRuntimeHandlers(0).getFeatures().getUserNamespaces());
    assertTrue(status.getFeatures().getSupplementalGroupsPolicy());
    assertEquals("{}", status.getInfoMap().get("config"));
    assertTrue(runtime.status(StatusRequest.getDefaultInstance()).getInfoMap().isEmpty());
  }

  @Test
  void runtimeConfigSaysCgroupfsExplicitly() {
    gate.open();
    assertEquals(CgroupDriver.CGROUPFS,
        runtime.runtimeConfig(RuntimeConfigRequest.getDefaultInstance()).getLinux().getCgroupDriver());
  }

  @Test
  void updateRuntimeConfigWithoutConfigNamesTheField() {
    gate.open();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> runtime.updateRuntimeConfig(UpdateRuntimeConfigRequest.getDefaultInstance()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("runtime_config is required", e.getStatus().getDescription());
  }

  @Test
  void updateRuntimeConfigRejectsABadCidrAndStoresAGoodOne() throws IOException {
    gate.open();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> runtime.updateRuntimeConfig(withCidr("10.244.0.0/99")));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("pod_cidr"), e.getStatus().getDescription());

    runtime.updateRuntimeConfig(withCidr("10.244.3.0/24,fd00:10:244::/64"));
    assertEquals("10.244.3.0/24", new RuntimeSettingsStore(stateDir).current().podCidr());
  }

  @Test
  void rpcsNotBuiltAnswerUnimplementedWithTheirName() {
    gate.open();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> runtime.listContainers(ListContainersRequest.getDefaultInstance()));
    assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("runtime.v1.RuntimeService/ListContainers"));
  }

  private static UpdateRuntimeConfigRequest withCidr(String cidr) {
    return UpdateRuntimeConfigRequest.newBuilder()
        .setRuntimeConfig(RuntimeConfig.newBuilder().setNetworkConfig(NetworkConfig.newBuilder().setPodCidr(cidr)))
        .build();
  }
}
