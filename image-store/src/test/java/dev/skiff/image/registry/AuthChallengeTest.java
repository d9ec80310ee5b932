package dev.skiff.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AuthChallengeTest {
  @Test
  void parsesBearerChallengeWithQuotedCommas() {
    AuthChallenge challenge = AuthChallenge.parse(
        "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
            + "scope=\"repository:library/busybox:pull,push\"");
    assertEquals("bearer", challenge.scheme());
    assertEquals("https://auth.docker.io/token", challenge.parameter("realm"));
    assertEquals("registry.docker.io", challenge.parameter("service"));
    assertEquals("repository:library/busybox:pull,push", challenge.parameter("scope"));
  }

  @Test
  void parsesBasicAndUnquotedValues() {
    AuthChallenge challenge = AuthChallenge.parse("Basic realm=skiff-test");
    assertEquals("basic", challenge.scheme());
    assertEquals("skiff-test", challenge.parameter("realm"));
    assertEquals("", challenge.parameter("service"));
  }

  @Test
  void credentialsFromAuthFieldAndUserPassword() {
    Credentials fromAuth = new Credentials("", "", "YWxpY2U6czNjcmV0", "", "");
    assertEquals("Basic YWxpY2U6czNjcmV0", fromAuth.basicAuthHeader());
    assertEquals("alice", fromAuth.user());
    Credentials fromUser = new Credentials("alice", "s3cret", null, null, null);
    assertEquals(fromAuth.basicAuthHeader(), fromUser.basicAuthHeader());
    assertTrue(Credentials.ANONYMOUS.isAnonymous());
    assertNull(Credentials.ANONYMOUS.basicAuthHeader());
    assertTrue(!new Credentials("", "", "", "", "tok").isAnonymous());
    assertTrue(!fromUser.toString().contains("s3cret"), "toString never shows the secret");
  }
}
