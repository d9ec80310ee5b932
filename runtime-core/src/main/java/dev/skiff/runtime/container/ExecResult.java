package dev.skiff.runtime.container;

/** What ExecSync returns: output (each stream capped at 16 MiB by the shim) and exit code. */
public record ExecResult(int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {}
