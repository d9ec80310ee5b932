package dev.skiff.image.oci;

import dev.skiff.image.ref.Digest;

/** An OCI content descriptor; platform is null except in an index. */
public record Descriptor(String mediaType, Digest digest, long size, Platform platform) {}
