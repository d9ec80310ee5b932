package dev.skiff.image.registry;

import java.net.URI;
import java.net.http.HttpClient;

/** One place a registry's API is served: base URL ({@code https://host:port}) and the client configured for it. */
public record RegistryEndpoint(String registry, URI base, HttpClient client) {
  public String describe() {
    return base.getAuthority().equals(registry) ? registry : registry + " (via " + base.getAuthority() + ")";
  }
}
