package dev.skiff.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.cri.v1.FilesystemUsage;
import dev.skiff.cri.v1.ImageFsInfoRequest;
import dev.skiff.cri.v1.ImageServiceGrpc;
import dev.skiff.cri.v1.ImageSpec;
import dev.skiff.cri.v1.ImageStatusRequest;
import dev.skiff.cri.v1.ImageStatusResponse;
import dev.skiff.cri.v1.ListImagesRequest;
import dev.skiff.cri.v1.PullImageRequest;
import dev.skiff.cri.v1.RemoveImageRequest;
import dev.skiff.image.ImageStore;
import dev.skiff.image.ImageStoreSettings;
import dev.skiff.image.SnapshotUsers;
import dev.skiff.server.rpc.image.ImageFsInfoRpc;
import dev.skiff.server.rpc.image.ImageStatusRpc;
import dev.skiff.server.rpc.image.ListImagesRpc;
import dev.skiff.server.rpc.image.PullImageRpc;
import dev.skiff.server.rpc.image.RemoveImageRpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ImageService edge in-process: validation, codes, the CRI's rules for absent images, deadlines. */
class ImageServiceAdapterTest {
  @TempDir
  Path stateDir;

  private ServerSocket silentRegistry;
  private final List<Socket> accepted = new ArrayList<>();
  private ImageStore store;
  private Server server;
  private ManagedChannel channel;
  private ImageServiceGrpc.ImageServiceBlockingStub images;

  @BeforeEach
  void start() throws IOException {
    // A "registry" that accepts connections and never answers: pulls from it only end by deadline.
    silentRegistry = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          accepted.add(silentRegistry.accept());
        }
      } catch (IOException closed) {
        // Test over.
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    store = ImageStore.open(new ImageStoreSettings(stateDir.resolve("images"), Map.of(),
        Set.of("127.0.0.1:" + silentRegistry.getLocalPort()), Duration.ofSeconds(30), 3, Duration.ofSeconds(10)),
        SnapshotUsers.NONE);
    ImageServiceAdapter adapter = new ImageServiceAdapter(new PullImageRpc(store, ImageServiceAdapter::callTimeLeft),
        new ImageStatusRpc(store), new ListImagesRpc(store), new RemoveImageRpc(store), new ImageFsInfoRpc(store));
    ReadinessGate gate = new ReadinessGate();
    gate.open();
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(adapter, new RequestLogging(), gate)).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    images = ImageServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() throws IOException {
    channel.shutdownNow();
    server.shutdownNow();
    store.close();
    silentRegistry.close();
    for (Socket socket : accepted) {
      socket.close();
    }
  }

  private static ImageSpec spec(String image) {
    return ImageSpec.newBuilder().setImage(image).build();
  }

  @Test
  void missingImageSpecIsInvalidArgumentNamingTheField() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> images.pullImage(PullImageRequest.getDefaultInstance()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("image.image"), e.getStatus().getDescription());
    e = assertThrows(StatusRuntimeException.class, () -> images.imageStatus(ImageStatusRequest.getDefaultInstance()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
  }

  @Test
  void malformedReferenceIsInvalidArgument() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> images.pullImage(PullImageRequest.newBuilder().setImage(spec("Not A/Ref")).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("'Not A/Ref'"), e.getStatus().getDescription());
  }

  @Test
  void absentImageHasAnEmptyStatusAndRemovingItSucceeds() {
    ImageStatusResponse status = images.imageStatus(ImageStatusRequest.newBuilder().setImage(spec("busybox")).build());
    assertFalse(status.hasImage());
    images.removeImage(RemoveImageRequest.newBuilder().setImage(spec("busybox:1.36")).build());
    images.removeImage(RemoveImageRequest.newBuilder().setImage(spec("sha256:" + "a".repeat(64))).build());
    assertEquals(0, images.listImages(ListImagesRequest.getDefaultInstance()).getImagesCount());
  }

  @Test
  void imageFsInfoReportsTheStoreDirectory() {
    FilesystemUsage usage = images.imageFsInfo(ImageFsInfoRequest.getDefaultInstance()).getImageFilesystems(0);
    assertEquals(stateDir.resolve("images").toString(), usage.getFsId().getMountpoint());
    assertTrue(usage.getInodesUsed().getValue() >= 4, usage.toString());
    assertTrue(usage.getTimestamp() > 0);
  }

  @Test
  void pullAnswersDeadlineExceededItselfWhenTheDeadlinePasses() {
    // Called directly: an over-the-wire test could be satisfied by the client's own deadline.
    String ref = "127.0.0.1:" + silentRegistry.getLocalPort() + "/slow/image:v2";
    PullImageRpc pull = new PullImageRpc(store, () -> java.util.Optional.of(Duration.ofMillis(500)));
    dev.skiff.server.rpc.CriError e = assertThrows(dev.skiff.server.rpc.CriError.class,
        () -> pull.call(PullImageRequest.newBuilder().setImage(spec(ref)).build()));
    assertEquals(dev.skiff.server.rpc.CriError.Kind.DEADLINE_EXCEEDED, e.kind());
    assertTrue(e.getMessage().contains(ref), e.getMessage());
    assertEquals(Status.Code.DEADLINE_EXCEEDED, ErrorMapper.toStatus("PullImage", e).getStatus().getCode());
  }

  @Test
  void pullHonoursTheCallersDeadline() {
    String ref = "127.0.0.1:" + silentRegistry.getLocalPort() + "/slow/image:v1";
    long started = System.nanoTime();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> images.withDeadlineAfter(700, TimeUnit.MILLISECONDS)
            .pullImage(PullImageRequest.newBuilder().setImage(spec(ref)).build()));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10));
  }

  @Test
  void aLayerOverItsUnpackLimitsIsResourceExhaustedWithTheStoresMessage() {
    String message = "layer sha256:" + "b".repeat(64) + " of x/y:z: it unpacks to more than 4 bytes, the cap set by "
        + "image.max_layer_unpacked_bytes";
    StatusRuntimeException e = ErrorMapper.toStatus("PullImage",
        new dev.skiff.image.ImageStoreException(dev.skiff.image.ImageStoreException.Kind.RESOURCE_EXHAUSTED, message));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
    assertEquals(message, e.getStatus().getDescription());
  }
}
