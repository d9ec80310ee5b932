package dev.skiff.server.rpc.image;

import dev.skiff.cri.v1.AuthConfig;
import dev.skiff.cri.v1.PullImageRequest;
import dev.skiff.cri.v1.PullImageResponse;
import dev.skiff.image.Image;
import dev.skiff.image.ImageStore;
import dev.skiff.image.registry.Credentials;
import dev.skiff.server.rpc.CriError;
import dev.skiff.server.rpc.Rpc;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * PullImage: returns image_ref equal to the image's id (the config digest), as every later
 * image_id field must be. When the caller's deadline passes first the answer is
 * DEADLINE_EXCEEDED, but the pull goes on in the background: kubelet retries with the same
 * reference, and the retry joins the running pull instead of starting over.
 */
public final class PullImageRpc implements Rpc<PullImageRequest, PullImageResponse> {
  private final ImageStore store;
  private final Supplier<Optional<Duration>> timeLeft;

  /** @param timeLeft the time until the caller's deadline, empty when it set none */
  public PullImageRpc(ImageStore store, Supplier<Optional<Duration>> timeLeft) {
    this.store = store;
    this.timeLeft = timeLeft;
  }

  @Override
  public PullImageResponse call(PullImageRequest request) throws Exception {
    String reference = CriImages.requireImage(request.hasImage(), request.getImage(), "image.image");
    AuthConfig auth = request.getAuth();
    Credentials credentials = new Credentials(auth.getUsername(), auth.getPassword(), auth.getAuth(),
        auth.getIdentityToken(), auth.getRegistryToken());

    CompletableFuture<Image> pull = store.pull(reference, credentials);
    Image image;
    try {
      Optional<Duration> left = timeLeft.get();
      image = left.isPresent() ? pull.get(Math.max(0, left.get().toMillis()), TimeUnit.MILLISECONDS) : pull.get();
    } catch (TimeoutException e) {
      throw new CriError(CriError.Kind.DEADLINE_EXCEEDED, "pull of image " + reference
          + " did not finish before the caller's deadline; it continues, and a retry joins it", null);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
    return PullImageResponse.newBuilder().setImageRef(image.id()).build();
  }
}
