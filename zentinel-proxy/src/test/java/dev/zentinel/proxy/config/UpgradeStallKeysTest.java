package dev.zentinel.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** upgrade.drain-spread and upgrade.preconnect-per-target: defaults, values, bounds. */
class UpgradeStallKeysTest {

    private static final String BASE = """
            listeners:
              - { name: http, address: 127.0.0.1:8080 }
            """;

    @Test
    void defaultsWhenAbsent() throws Exception {
        UpgradeConfig u = ConfigLoader.parse(BASE, "test").upgrade();
        assertThat(u.drainSpread()).isEqualTo(UpgradeConfig.DEFAULT_DRAIN_SPREAD);
        assertThat(u.preconnectPerTarget()).isEqualTo(UpgradeConfig.DEFAULT_PRECONNECT_PER_TARGET);
    }

    @Test
    void readsBothKeys() throws Exception {
        UpgradeConfig u = ConfigLoader.parse(BASE + "upgrade: { drain-spread: 2500ms, preconnect-per-target: 0 }\n",
                "test").upgrade();
        assertThat(u.drainSpread()).isEqualTo(Duration.ofMillis(2500));
        assertThat(u.preconnectPerTarget()).isZero();
    }

    @Test
    void zeroSpreadMeansAllAtOnce() throws Exception {
        for (String zero : new String[] {"0", "0s", "0ms"}) {
            assertThat(ConfigLoader.parse(BASE + "upgrade: { drain-spread: " + zero + " }\n", "test").upgrade()
                    .drainSpread()).isZero();
        }
    }

    @Test
    void rejectsOutOfBoundValues() {
        assertThatThrownBy(() -> ConfigLoader.parse(BASE + "upgrade: { drain-spread: 11m }\n", "test"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("drain-spread")
                .hasMessageContaining("at most 600s");
        assertThatThrownBy(() -> ConfigLoader.parse(BASE + "upgrade: { preconnect-per-target: 5000 }\n", "test"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("preconnect-per-target");
        assertThatThrownBy(() -> ConfigLoader.parse(BASE + "upgrade: { drain-spread: 5 }\n", "test"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("needs a unit");
    }
}
