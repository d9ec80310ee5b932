package dev.skiff.runtime.container;

/** One POSIX resource limit, named as in OCI ("RLIMIT_NOFILE"). */
public record Rlimit(String type, long soft, long hard) {}
