package dev.zentinel.proxy.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigValuesTest {

    @Test
    void durations() {
        assertThat(ConfigValues.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(ConfigValues.parseDuration("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(ConfigValues.parseDuration("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(ConfigValues.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(ConfigValues.parseDuration("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(ConfigValues.parseDuration(" 90s ")).isEqualTo(Duration.ofSeconds(90));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "s", "1.5s", "-1s", "1 s", "1S", "1d", "2sec", "0ms", "25h", "1441m", "999999999999h"})
    void invalidDurations(String text) {
        assertThatThrownBy(() -> ConfigValues.parseDuration(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sizes() {
        assertThat(ConfigValues.parseSize("16384")).isEqualTo(16384);
        assertThat(ConfigValues.parseSize("16KiB")).isEqualTo(16 * 1024);
        assertThat(ConfigValues.parseSize("10MiB")).isEqualTo(10L * 1024 * 1024);
        assertThat(ConfigValues.parseSize("1GiB")).isEqualTo(1L << 30);
        assertThat(ConfigValues.parseSize("2TiB")).isEqualTo(2L << 40);
        assertThat(ConfigValues.parseSize("512B")).isEqualTo(512);
        assertThat(ConfigValues.parseSize("0")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "KiB", "10MB", "10kib", "1.5MiB", "-1", "10 M", "99999999999999999999", "9999999999GiB"})
    void invalidSizes(String text) {
        assertThatThrownBy(() -> ConfigValues.parseSize(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatsDurationsInTheirLargestWholeUnit() {
        assertThat(ConfigValues.formatDuration(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(ConfigValues.formatDuration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(ConfigValues.formatDuration(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(ConfigValues.formatDuration(Duration.ofHours(3))).isEqualTo("3h");
    }

    @Test
    void sizesInYamlAcceptPlainIntegersAndUnits() throws Exception {
        ProxyConfig c = ConfigLoader.parse("""
                listeners: [{ name: http, address: "127.0.0.1:0" }]
                limits: { max-header-bytes: 8192, max-body-bytes: "0", max-initial-line-bytes: 1KiB }
                """, "t.yaml", java.nio.file.Path.of("/tmp/x"));
        assertThat(c.limits().maxHeaderBytes()).isEqualTo(8192);
        assertThat(c.limits().maxBodyBytes()).isZero();
        assertThat(c.limits().maxInitialLineBytes()).isEqualTo(1024);
    }
}
