package dev.skiff.runtime.pod;

/** The CRI's namespace modes: shared by the pod, private to a container, the host's, or another container's. */
public enum NamespaceMode { POD, CONTAINER, NODE, TARGET }
