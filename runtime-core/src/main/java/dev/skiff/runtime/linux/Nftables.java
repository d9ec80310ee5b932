package dev.skiff.runtime.linux;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;

/**
 * nftables through libnftables, in-process: the same script text {@code nft -f -} reads,
 * one transaction per call, without forking {@code nft} (about 15 ms a call on this
 * machine). Works in the network namespace of the calling thread. {@link #available()}
 * is false when libnftables.so.1 cannot be loaded; callers then fork {@code nft}.
 */
public final class Nftables {
  /** The libnftables entry points skiff uses (Debian: package libnftables1). */
  public interface LibNftables {
    Pointer nft_ctx_new(int flags);

    int nft_ctx_buffer_output(Pointer ctx);

    int nft_ctx_buffer_error(Pointer ctx);

    String nft_ctx_get_error_buffer(Pointer ctx);

    int nft_run_cmd_from_buffer(Pointer ctx, String buffer);

    void nft_ctx_free(Pointer ctx);
  }

  /** The outcome of one script: 0 when the transaction was committed, and nft's error text. */
  public record Result(int exitCode, String error) {}

  private static final LibNftables LIB = load();

  private Nftables() {}

  private static LibNftables load() {
    try {
      return LibraryLoader.create(LibNftables.class).failImmediately().load("nftables");
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return null;
    }
  }

  public static boolean available() {
    return LIB != null;
  }

  /** Runs script as one transaction. A context is not thread-safe, so each call has its own. */
  public static Result run(String script) {
    Pointer ctx = LIB.nft_ctx_new(0);
    if (ctx == null) {
      return new Result(1, "nft_ctx_new failed");
    }
    try {
      LIB.nft_ctx_buffer_output(ctx);
      LIB.nft_ctx_buffer_error(ctx);
      int rc = LIB.nft_run_cmd_from_buffer(ctx, script);
      String error = LIB.nft_ctx_get_error_buffer(ctx);
      return new Result(rc == 0 ? 0 : 1, error == null ? "" : error.trim());
    } finally {
      LIB.nft_ctx_free(ctx);
    }
  }
}
