package dev.skiff.server.rpc.sandbox;

/** The five pod sandbox RPCs, handed to the RuntimeService adapter as one group. */
public record SandboxRpcs(
    RunPodSandboxRpc run,
    StopPodSandboxRpc stop,
    RemovePodSandboxRpc remove,
    PodSandboxStatusRpc status,
    ListPodSandboxRpc list,
    UpdatePodSandboxResourcesRpc updateResources) {}
