package dev.skiff.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessArgsTest {
  private static final ImageDefaults IMAGE =
      new ImageDefaults(List.of("/entry", "-x"), List.of("cmd1", "cmd2"), List.of(), null, null, null);

  @Test
  void imageEntrypointAndCmdWhenConfigGivesNothing() throws Exception {
    assertEquals(List.of("/entry", "-x", "cmd1", "cmd2"), ProcessArgs.resolve(IMAGE, ProcessRequest.of(null, null)));
  }

  @Test
  void argsReplaceCmdOnly() throws Exception {
    assertEquals(List.of("/entry", "-x", "a"), ProcessArgs.resolve(IMAGE, ProcessRequest.of(null, List.of("a"))));
  }

  @Test
  void commandReplacesEntrypointAndDropsCmd() throws Exception {
    assertEquals(List.of("/bin/sh"), ProcessArgs.resolve(IMAGE, ProcessRequest.of(List.of("/bin/sh"), null)));
  }

  @Test
  void commandAndArgsReplaceBoth() throws Exception {
    assertEquals(List.of("/bin/sh", "-c", "true"),
        ProcessArgs.resolve(IMAGE, ProcessRequest.of(List.of("/bin/sh"), List.of("-c", "true"))));
  }

  @Test
  void imageWithOnlyCmdAndConfigArgs() throws Exception {
    ImageDefaults cmdOnly = new ImageDefaults(List.of(), List.of("sh"), List.of(), null, null, null);
    assertEquals(List.of("top"), ProcessArgs.resolve(cmdOnly, ProcessRequest.of(null, List.of("top"))));
  }

  @Test
  void nothingToRunIsInvalid() {
    ContainerException e = assertThrows(ContainerException.class,
        () -> ProcessArgs.resolve(ImageDefaults.none(), ProcessRequest.of(null, null)));
    assertEquals(ContainerException.Kind.INVALID, e.kind());
  }
}
