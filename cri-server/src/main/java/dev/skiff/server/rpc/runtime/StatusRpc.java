package dev.skiff.server.rpc.runtime;

import dev.skiff.cri.v1.RuntimeCondition;
import dev.skiff.cri.v1.RuntimeFeatures;
import dev.skiff.cri.v1.RuntimeHandler;
import dev.skiff.cri.v1.RuntimeHandlerFeatures;
import dev.skiff.cri.v1.RuntimeStatus;
import dev.skiff.cri.v1.StatusRequest;
import dev.skiff.cri.v1.StatusResponse;
import dev.skiff.server.rpc.Rpc;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Status: RuntimeReady and NetworkReady, each with the truth about why not; the runtime
 * handlers with the features they really have; with verbose, the effective config and
 * host facts in info.
 */
public final class StatusRpc implements Rpc<StatusRequest, StatusResponse> {
  private final Supplier<Condition> runtime;
  private final Supplier<Condition> network;
  private final Supplier<Map<String, String>> verboseInfo;
  private final HandlerFeatures features;

  public StatusRpc(Supplier<Condition> runtime, Supplier<Condition> network, Supplier<Map<String, String>> verboseInfo,
      HandlerFeatures features) {
    this.runtime = runtime;
    this.network = network;
    this.verboseInfo = verboseInfo;
    this.features = features;
  }

  @Override
  public StatusResponse call(StatusRequest request) {
    RuntimeStatus status = RuntimeStatus.newBuilder()
        .addConditions(condition("RuntimeReady", runtime.get()))
        .addConditions(condition("NetworkReady", network.get()))
        .build();
    StatusResponse.Builder response = StatusResponse.newBuilder()
        .setStatus(status)
        // The default handler is named "" in the CRI.
        .addRuntimeHandlers(RuntimeHandler.newBuilder()
            .setName("")
            .setFeatures(RuntimeHandlerFeatures.newBuilder()
                .setRecursiveReadOnlyMounts(features.recursiveReadOnlyMounts())
                .setUserNamespaces(features.userNamespaces())))
        .setFeatures(RuntimeFeatures.newBuilder().setSupplementalGroupsPolicy(features.supplementalGroupsPolicy()));
    if (request.getVerbose()) {
      response.putAllInfo(verboseInfo.get());
    }
    return response.build();
  }

  private static RuntimeCondition condition(String type, Condition condition) {
    return RuntimeCondition.newBuilder()
        .setType(type)
        .setStatus(condition.ready())
        .setReason(condition.reason())
        .setMessage(condition.message())
        .build();
  }
}
