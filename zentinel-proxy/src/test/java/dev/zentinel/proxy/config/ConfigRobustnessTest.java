package dev.zentinel.proxy.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Damaged variants of a valid file must end in a ConfigException with located problems, never
 * in another exception (a NullPointerException here would be a crash of `zentinel check`).
 */
class ConfigRobustnessTest {

    private static final String ALPHABET = " \n\t:-[]{},\"'#&*!|>%@`0123456789abcxyz./";

    @Test
    void mutatedConfigsFailCleanly() {
        Random random = new Random(20240601);
        String valid = ConfigLoaderTest.FULL;
        int failures = 0;
        for (int i = 0; i < 3000; i++) {
            StringBuilder text = new StringBuilder(valid);
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits && text.length() > 0; e++) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.deleteCharAt(at);
                    case 1 -> text.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                    default -> text.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
            }
            try {
                ConfigLoader.parse(text.toString(), "m.yaml", Path.of("/test/runtime"));
            } catch (ConfigException e) {
                failures++;
                assertThat(e.problems()).isNotEmpty().allMatch(p -> p.matches("(?s)m\\.yaml(:\\d+:\\d+)?: .+"));
            } catch (RuntimeException e) {
                throw new AssertionError("crash on input:\n" + text, e);
            }
        }
        // Most random edits break something; if none did, the mutation is not doing its job.
        assertThat(failures).isGreaterThan(1000);
    }
}
