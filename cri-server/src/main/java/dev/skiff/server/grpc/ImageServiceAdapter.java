package dev.skiff.server.grpc;

import dev.skiff.cri.v1.ImageServiceGrpc;

/**
 * ImageService: every RPC answers UNIMPLEMENTED with its full name until the image store
 * is wired in here.
 */
public final class ImageServiceAdapter extends ImageServiceGrpc.ImageServiceImplBase {
}
