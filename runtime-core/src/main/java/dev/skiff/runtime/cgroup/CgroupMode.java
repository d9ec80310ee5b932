package dev.skiff.runtime.cgroup;

/**
 * How the host mounts cgroups: UNIFIED is pure cgroup v2; HYBRID has v1 controller
 * hierarchies plus a controller-less cgroup2 tree (systemd's "hybrid"); LEGACY is v1 only.
 */
public enum CgroupMode { UNIFIED, HYBRID, LEGACY }
