package dev.skiff.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnvironmentMergeTest {
  @Test
  void configOverridesImageInPlaceThenHostname() throws Exception {
    List<String> env = EnvironmentMerge.merge(List.of("PATH=/bin", "A=image", "B=keep"), List.of("A=config", "C=new"),
        "web-0");
    assertEquals(List.of("PATH=/bin", "A=config", "B=keep", "C=new", "HOSTNAME=web-0"), env);
  }

  @Test
  void defaultPathWhenNobodySetsOne() throws Exception {
    assertEquals(List.of(EnvironmentMerge.DEFAULT_PATH), EnvironmentMerge.merge(List.of(), List.of(), null));
  }

  @Test
  void valueMayContainEquals() throws Exception {
    assertEquals("X=a=b", EnvironmentMerge.merge(List.of(), List.of("X=a=b"), null).get(0));
  }

  @Test
  void emptyKeyIsInvalid() {
    assertThrows(ContainerException.class, () -> EnvironmentMerge.merge(List.of(), List.of("=x"), null));
  }
}
