package dev.zentinel.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** upgrade.warmup-yield-percent: default, values, bounds. */
class WarmupYieldKeyTest {

    private static final String BASE = """
            listeners:
              - { name: http, address: 127.0.0.1:8080 }
            """;

    @Test
    void defaultWhenAbsent() throws Exception {
        assertThat(ConfigLoader.parse(BASE, "test").upgrade().warmupYieldPercent())
                .isEqualTo(UpgradeConfig.DEFAULT_WARMUP_YIELD_PERCENT).isEqualTo(50);
        assertThat(UpgradeConfig.defaults().warmupYieldPercent()).isEqualTo(UpgradeConfig.DEFAULT_WARMUP_YIELD_PERCENT);
    }

    @Test
    void readsTheBounds() throws Exception {
        assertThat(ConfigLoader.parse(BASE + "upgrade: { warmup-yield-percent: 0 }\n", "test").upgrade()
                .warmupYieldPercent()).isZero();
        assertThat(ConfigLoader.parse(BASE + "upgrade: { warmup-yield-percent: 90 }\n", "test").upgrade()
                .warmupYieldPercent()).isEqualTo(90);
    }

    @Test
    void rejectsValuesOutsideZeroToNinety() {
        for (String bad : new String[] {"91", "100", "-1", "half", "0.5"}) {
            assertThatThrownBy(() -> ConfigLoader.parse(BASE + "upgrade: { warmup-yield-percent: " + bad + " }\n", "test"))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("warmup-yield-percent");
        }
    }
}
