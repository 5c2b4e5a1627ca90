package dev.zentinel.app.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The unpacked distribution under test (bin/zentinel, lib/, conf/). Failsafe points the
 * {@value #PROPERTY} system property at it after {@code mvn package} has built it.
 */
public record Distribution(Path home) {

    public static final String PROPERTY = "zentinel.dist";

    public static Distribution fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + PROPERTY
                    + " is not set; run the integration tests with `mvn verify`");
        }
        Distribution distribution = new Distribution(Path.of(value).toAbsolutePath());
        if (!Files.isExecutable(distribution.launcher())) {
            throw new IllegalStateException("no executable launcher at " + distribution.launcher()
                    + "; build the distribution first (mvn package)");
        }
        return distribution;
    }

    public Path launcher() {
        return home.resolve("bin/zentinel");
    }
}
