package dev.skiff.runtime.container;

import java.util.ArrayList;
import java.util.List;

/**
 * The process arguments by Docker's rules, which the CRI adopts: {@code command} replaces
 * the image's ENTRYPOINT, {@code args} replace its CMD; when only {@code command} is given
 * the image's CMD is dropped too.
 */
public final class ProcessArgs {
  private ProcessArgs() {}

  public static List<String> resolve(ImageDefaults image, ProcessRequest process) throws ContainerException {
    List<String> entrypoint = process.command().isEmpty() ? image.entrypoint() : process.command();
    List<String> cmd;
    if (!process.args().isEmpty()) {
      cmd = process.args();
    } else if (!process.command().isEmpty()) {
      cmd = List.of();
    } else {
      cmd = image.cmd();
    }
    List<String> all = new ArrayList<>(entrypoint);
    all.addAll(cmd);
    if (all.isEmpty()) {
      throw ContainerException.invalid("no command: neither the container config nor the image gives one");
    }
    return List.copyOf(all);
  }
}
