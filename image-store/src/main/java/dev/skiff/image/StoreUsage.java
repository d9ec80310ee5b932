package dev.skiff.image;

import java.nio.file.Path;

/** Bytes and inodes the image store occupies, and the directory it lives in. */
public record StoreUsage(Path mountpoint, long usedBytes, long inodesUsed, long timestampNanos) {}
