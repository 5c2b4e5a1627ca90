package dev.zentinel.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zentinel.proxy.config.ConfigLoader;
import dev.zentinel.proxy.config.ProxyConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The documented example shipped in the distribution's conf/ must stay valid. */
class SampleConfigTest {

    @Test
    void theShippedExampleIsValid() throws Exception {
        ProxyConfig config = ConfigLoader.load(Path.of("src/dist/conf/zentinel.yaml"));

        assertThat(config.listeners()).extracting(l -> l.name()).containsExactly("http");
        assertThat(config.runtime().directory()).isEqualTo(Path.of("/run/zentinel"));
    }
}
