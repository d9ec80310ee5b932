package dev.skiff.server.rpc.stats;

/** The stats and metrics RPCs, handed to the RuntimeService adapter as one group. */
public record StatsRpcs(
    ContainerStatsRpc containerStats,
    ListContainerStatsRpc listContainerStats,
    PodSandboxStatsRpc podSandboxStats,
    ListPodSandboxStatsRpc listPodSandboxStats,
    ListMetricDescriptorsRpc listMetricDescriptors,
    ListPodSandboxMetricsRpc listPodSandboxMetrics) {}
