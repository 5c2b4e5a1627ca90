package dev.zentinel.app.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** The JDKs a test can run the distribution on: the one running the build, and a JDK 25 if installed. */
public final class Jdks {

    private Jdks() {
    }

    /** The JDK the build (and so the test) runs on. */
    public static Path current() {
        return Path.of(System.getProperty("java.home"));
    }

    /** The feature version of {@link #current()}. */
    public static int currentFeature() {
        return Runtime.version().feature();
    }

    /** A JDK 25: {@code ZENTINEL_TEST_JDK25}, else the first {@code /usr/lib/jvm/*-25*} with a {@code bin/java}. */
    public static Optional<Path> jdk25() throws IOException {
        String env = System.getenv("ZENTINEL_TEST_JDK25");
        if (env != null && Files.isExecutable(Path.of(env, "bin/java"))) {
            return Optional.of(Path.of(env));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(jvms)) {
            return dirs.filter(d -> d.getFileName().toString().matches(".*-25(-|\\.).*|.*-25"))
                    .filter(d -> Files.isExecutable(d.resolve("bin/java")))
                    .sorted()
                    .findFirst();
        }
    }
}
