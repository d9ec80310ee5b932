package dev.skiff.server.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.runtime.stream.Stdio;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StreamTokensTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final StreamTokens tokens = new StreamTokens(Duration.ofSeconds(60), now::get);
  private final PendingStream exec = new PendingStream.Exec("c1", List.of("ls"), new Stdio(false, true, false, false));

  @Test
  void tokenIsUrlSafeAndUsableOnce() throws Exception {
    String token = tokens.issue(exec);
    assertTrue(token.matches("[A-Za-z0-9_-]{22}"), token);
    assertEquals(Optional.of(exec), tokens.consume(token, Endpoint.EXEC));
    assertEquals(Optional.empty(), tokens.consume(token, Endpoint.EXEC));
  }

  @Test
  void tokensDiffer() throws Exception {
    assertNotEquals(tokens.issue(exec), tokens.issue(exec));
  }

  @Test
  void expiredTokenIsRefusedAndGone() throws Exception {
    String token = tokens.issue(exec);
    now.addAndGet(Duration.ofSeconds(60).toNanos());
    assertEquals(Optional.empty(), tokens.consume(token, Endpoint.EXEC));
    assertEquals(0, tokens.size());
  }

  @Test
  void tokenJustBeforeExpiryWorks() throws Exception {
    String token = tokens.issue(exec);
    now.addAndGet(Duration.ofSeconds(60).toNanos() - 1);
    assertEquals(Optional.of(exec), tokens.consume(token, Endpoint.EXEC));
  }

  @Test
  void wrongEndpointConsumesTheToken() throws Exception {
    String token = tokens.issue(exec);
    assertEquals(Optional.empty(), tokens.consume(token, Endpoint.ATTACH));
    assertEquals(Optional.empty(), tokens.consume(token, Endpoint.EXEC));
  }

  @Test
  void unknownTokenIsRefused() {
    assertEquals(Optional.empty(), tokens.consume("AAAAAAAAAAAAAAAAAAAAAA", Endpoint.EXEC));
    assertEquals(Optional.empty(), tokens.consume("../../etc/passwd", Endpoint.EXEC));
  }

  @Test
  void atMostAThousandWaitAndExpiredOnesAreSweptOnIssue() throws Exception {
    for (int i = 0; i < StreamTokens.MAX_IN_FLIGHT; i++) {
      tokens.issue(exec);
    }
    StreamTokens.TooManyStreamsException e =
        assertThrows(StreamTokens.TooManyStreamsException.class, () -> tokens.issue(exec));
    assertTrue(e.getMessage().contains("1000"), e.getMessage());
    now.addAndGet(Duration.ofSeconds(61).toNanos());
    tokens.issue(exec);
    assertEquals(1, tokens.size());
  }
}
