package dev.skiff.server.stream;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * One-time tokens for streaming URLs. A token is consumed by its first lookup, whatever the
 * outcome (expired, wrong endpoint): a URL can never be replayed. At most
 * {@value #MAX_IN_FLIGHT} tokens wait at once, as the reference server allows.
 *
 * <p>Tokens carry 128 random bits (the reference uses 48); they are the only credential.
 */
public final class StreamTokens {
  public static final int MAX_IN_FLIGHT = 1000;
  private static final int TOKEN_BYTES = 16;

  private record Entry(PendingStream request, long expiresAtNanos) {}

  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  public StreamTokens(Duration ttl) {
    this(ttl, System::nanoTime);
  }

  StreamTokens(Duration ttl, LongSupplier nanoClock) {
    this.ttlNanos = ttl.toNanos();
    this.nanoClock = nanoClock;
  }

  /** Caches the request; returns its token ({@code [A-Za-z0-9_-]}, URL-safe). */
  public synchronized String issue(PendingStream request) throws TooManyStreamsException {
    long now = nanoClock.getAsLong();
    sweep(now);
    if (entries.size() >= MAX_IN_FLIGHT) {
      throw new TooManyStreamsException(
          "maximum number of in-flight streaming requests exceeded (" + MAX_IN_FLIGHT + ")");
    }
    String token;
    do {
      byte[] bytes = new byte[TOKEN_BYTES];
      random.nextBytes(bytes);
      token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } while (entries.containsKey(token));
    entries.put(token, new Entry(request, now + ttlNanos));
    return token;
  }

  /** Removes the token and returns its request if it was live and issued for {@code endpoint}. */
  public synchronized Optional<PendingStream> consume(String token, Endpoint endpoint) {
    Entry entry = entries.remove(token);
    if (entry == null || nanoClock.getAsLong() - entry.expiresAtNanos >= 0
        || entry.request.endpoint() != endpoint) {
      return Optional.empty();
    }
    return Optional.of(entry.request);
  }

  synchronized int size() {
    return entries.size();
  }

  private void sweep(long now) {
    // Insertion order is expiry order (one TTL for all), so stop at the first live entry.
    Iterator<Entry> it = entries.values().iterator();
    while (it.hasNext()) {
      if (now - it.next().expiresAtNanos >= 0) {
        it.remove();
      } else {
        break;
      }
    }
  }

  /** Too many URLs handed out and not yet used. */
  public static final class TooManyStreamsException extends Exception {
    public TooManyStreamsException(String message) {
      super(message);
    }
  }
}
