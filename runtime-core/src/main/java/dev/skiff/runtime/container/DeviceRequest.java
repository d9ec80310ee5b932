package dev.skiff.runtime.container;

/** A CRI Device: a host device node made in the container; permissions like "rwm". */
public record DeviceRequest(String containerPath, String hostPath, String permissions) {}
