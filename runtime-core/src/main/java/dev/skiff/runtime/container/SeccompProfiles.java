package dev.skiff.runtime.container;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A container's {@link SeccompRequest} → the filter it runs under, or null for none. The
 * built-in RuntimeDefault is the resource {@code seccomp-runtime-default.json}, read by the
 * same reader as a Localhost profile.
 */
public final class SeccompProfiles {
  static final String RUNTIME_DEFAULT_RESOURCE = "seccomp-runtime-default.json";

  private SeccompProfiles() {}

  /** @param capabilities the container's bounding set (a profile's includes/excludes test it) */
  public static SeccompProfile resolve(SeccompRequest request, boolean privileged, Set<String> capabilities)
      throws ContainerException {
    if (privileged) {
      return null; // as containerd and CRI-O: a privileged container ignores its profile
    }
    SeccompProfileReader.Target target = SeccompProfileReader.Target.host(capabilities);
    if (request instanceof SeccompRequest.RuntimeDefault) {
      return withoutRepeats(SeccompProfileReader.read(runtimeDefaultJson(), "RuntimeDefault", target));
    }
    if (request instanceof SeccompRequest.Localhost localhost) {
      return withoutRepeats(SeccompProfileReader.read(localhost(localhost.path()), localhost.path(), target));
    }
    return null;
  }

  static byte[] runtimeDefaultJson() {
    try (InputStream in = SeccompProfiles.class.getResourceAsStream(RUNTIME_DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RUNTIME_DEFAULT_RESOURCE + " is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + RUNTIME_DEFAULT_RESOURCE, e);
    }
  }

  private static byte[] localhost(String path) throws ContainerException {
    if (path == null || path.isEmpty() || !Path.of(path).isAbsolute()) {
      throw ContainerException.invalid("seccomp localhost profile path '" + path + "' is not absolute");
    }
    try {
      return Files.readAllBytes(Path.of(path));
    } catch (NoSuchFileException e) {
      throw new ContainerException(ContainerException.Kind.NOT_FOUND, "seccomp profile " + path + " not found");
    } catch (IOException e) {
      throw ContainerException.invalid("cannot read seccomp profile " + path + ": " + e.getMessage());
    }
  }

  /** Two groups may name the same syscall with the same rule (ptrace by kernel and by capability). */
  private static SeccompProfile withoutRepeats(SeccompProfile profile) {
    List<SeccompProfile.Rule> rules = new ArrayList<>(new LinkedHashSet<>(profile.rules()));
    return new SeccompProfile(profile.defaultAction(), profile.defaultValue(),
        List.copyOf(new LinkedHashSet<>(profile.architectures())), rules);
  }
}
