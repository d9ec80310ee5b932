package dev.skiff.server.grpc;

import dev.skiff.cri.v1.ImageFsInfoRequest;
import dev.skiff.cri.v1.ImageFsInfoResponse;
import dev.skiff.cri.v1.ImageServiceGrpc;
import dev.skiff.cri.v1.ImageStatusRequest;
import dev.skiff.cri.v1.ImageStatusResponse;
import dev.skiff.cri.v1.ListImagesRequest;
import dev.skiff.cri.v1.ListImagesResponse;
import dev.skiff.cri.v1.PullImageRequest;
import dev.skiff.cri.v1.PullImageResponse;
import dev.skiff.cri.v1.RemoveImageRequest;
import dev.skiff.cri.v1.RemoveImageResponse;
import dev.skiff.server.rpc.image.ImageFsInfoRpc;
import dev.skiff.server.rpc.image.ImageStatusRpc;
import dev.skiff.server.rpc.image.ListImagesRpc;
import dev.skiff.server.rpc.image.PullImageRpc;
import dev.skiff.server.rpc.image.RemoveImageRpc;
import io.grpc.Context;
import io.grpc.Deadline;
import dev.skiff.cri.v1.StreamImagesRequest;
import dev.skiff.cri.v1.StreamImagesResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * ImageService: each RPC delegates to its own class. Every RPC not overridden here
 * answers UNIMPLEMENTED with its full name.
 */
public final class ImageServiceAdapter extends ImageServiceGrpc.ImageServiceImplBase {
  private final PullImageRpc pullImage;
  private final ImageStatusRpc imageStatus;
  private final ListImagesRpc listImages;
  private final RemoveImageRpc removeImage;
  private final ImageFsInfoRpc imageFsInfo;

  public ImageServiceAdapter(PullImageRpc pullImage, ImageStatusRpc imageStatus, ListImagesRpc listImages,
      RemoveImageRpc removeImage, ImageFsInfoRpc imageFsInfo) {
    this.pullImage = pullImage;
    this.imageStatus = imageStatus;
    this.listImages = listImages;
    this.removeImage = removeImage;
    this.imageFsInfo = imageFsInfo;
  }

  /** Time left until the current call's deadline; empty when the caller set none. */
  public static Optional<Duration> callTimeLeft() {
    Deadline deadline = Context.current().getDeadline();
    return deadline == null ? Optional.empty() : Optional.of(Duration.ofMillis(deadline.timeRemaining(TimeUnit.MILLISECONDS)));
  }

  @Override
  public void pullImage(PullImageRequest request, StreamObserver<PullImageResponse> responses) {
    UnaryCalls.run("PullImage", request, responses, pullImage);
  }

  @Override
  public void imageStatus(ImageStatusRequest request, StreamObserver<ImageStatusResponse> responses) {
    UnaryCalls.run("ImageStatus", request, responses, imageStatus);
  }

  @Override
  public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> responses) {
    UnaryCalls.run("ListImages", request, responses, listImages);
  }

  @Override
  public void removeImage(RemoveImageRequest request, StreamObserver<RemoveImageResponse> responses) {
    UnaryCalls.run("RemoveImage", request, responses, removeImage);
  }

  @Override
  public void imageFsInfo(ImageFsInfoRequest request, StreamObserver<ImageFsInfoResponse> responses) {
    UnaryCalls.run("ImageFsInfo", request, responses, imageFsInfo);
  }

  @Override
  public void streamImages(StreamImagesRequest request, StreamObserver<StreamImagesResponse> responses) {
    ListStreams.run("StreamImages", ListImagesRequest.newBuilder().setFilter(request.getFilter()).build(),
        responses, listImages, rpc -> rpc, r -> r.getImagesList(),
        part -> StreamImagesResponse.newBuilder().addAllImages(part).build());
  }
}
