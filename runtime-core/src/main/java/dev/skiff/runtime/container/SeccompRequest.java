package dev.skiff.runtime.container;

/**
 * The seccomp choice of a container, from the CRI's SecurityProfile or its deprecated
 * seccomp_profile_path. A privileged container is unconfined whatever it asks for.
 */
public sealed interface SeccompRequest {
  SeccompRequest UNCONFINED = new Unconfined();
  SeccompRequest RUNTIME_DEFAULT = new RuntimeDefault();

  record Unconfined() implements SeccompRequest {}

  record RuntimeDefault() implements SeccompRequest {}

  /** A profile file on the host, in the OCI / Docker seccomp JSON format. */
  record Localhost(String path) implements SeccompRequest {}
}
