package dev.skiff.server.rpc.image;

import dev.skiff.cri.v1.FilesystemIdentifier;
import dev.skiff.cri.v1.FilesystemUsage;
import dev.skiff.cri.v1.ImageFsInfoRequest;
import dev.skiff.cri.v1.ImageFsInfoResponse;
import dev.skiff.cri.v1.UInt64Value;
import dev.skiff.image.ImageStore;
import dev.skiff.image.StoreUsage;
import dev.skiff.server.rpc.Rpc;

/** ImageFsInfo: bytes and inodes the image store uses, with the directory it lives in as the mountpoint. */
public final class ImageFsInfoRpc implements Rpc<ImageFsInfoRequest, ImageFsInfoResponse> {
  private final ImageStore store;

  public ImageFsInfoRpc(ImageStore store) {
    this.store = store;
  }

  @Override
  public ImageFsInfoResponse call(ImageFsInfoRequest request) throws Exception {
    StoreUsage usage = store.usage();
    FilesystemUsage images = FilesystemUsage.newBuilder()
        .setTimestamp(usage.timestampNanos())
        .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(usage.mountpoint().toString()))
        .setUsedBytes(UInt64Value.newBuilder().setValue(usage.usedBytes()))
        .setInodesUsed(UInt64Value.newBuilder().setValue(usage.inodesUsed()))
        .build();
    return ImageFsInfoResponse.newBuilder().addImageFilesystems(images).build();
  }
}
