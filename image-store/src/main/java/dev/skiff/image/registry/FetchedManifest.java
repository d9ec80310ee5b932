package dev.skiff.image.registry;

import dev.skiff.image.ref.Digest;

/** A manifest or index as the registry sent it: exact bytes, media type, and the digest of those bytes. */
public record FetchedManifest(byte[] bytes, String mediaType, Digest digest) {}
