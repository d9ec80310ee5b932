package dev.skiff.server.state;

/**
 * A pod sandbox's state, as the CRI sees it.
 * <pre>
 *   RunPodSandbox ──▶ READY ──StopPodSandbox──▶ NOTREADY ──RemovePodSandbox──▶ (gone)
 *                       └──────────── RemovePodSandbox (stops first) ─────────────▲
 * </pre>
 * Recovery also turns READY into NOTREADY when the pod's pinned namespaces are gone (reboot).
 */
public enum PodState { READY, NOTREADY }
