package dev.skiff.server.rpc.container;

/** The container RPCs, handed to the RuntimeService adapter as one group. */
public record ContainerRpcs(
    CreateContainerRpc create,
    StartContainerRpc start,
    StopContainerRpc stop,
    RemoveContainerRpc remove,
    ContainerStatusRpc status,
    ListContainersRpc list,
    UpdateContainerResourcesRpc updateResources,
    ReopenContainerLogRpc reopenLog,
    ExecSyncRpc execSync,
    CheckpointContainerRpc checkpoint) {}
