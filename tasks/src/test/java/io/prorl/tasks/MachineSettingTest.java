package io.prorl.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MachineSettingTest {
  private static final String PROPERTY = "prorl.test.machine-setting";

  @Test
  void thePropertyComesFirstStrippedAndNamedAsItsSource() {
    try {
      System.setProperty(PROPERTY, " 3 ");
      // PATH is set in every environment: the property still wins
      assertThat(MachineSetting.read(PROPERTY, "PATH")).contains(new MachineSetting(PROPERTY, "3"));
      System.clearProperty(PROPERTY);
      assertThat(MachineSetting.read(PROPERTY, "PATH").orElseThrow().source()).isEqualTo("PATH");
      System.setProperty(PROPERTY, "  ");
      assertThat(MachineSetting.read(PROPERTY, "PRORL_TEST_UNSET_VARIABLE")).isEmpty();
    } finally {
      System.clearProperty(PROPERTY);
    }
  }
}
