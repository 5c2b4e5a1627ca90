package dev.zentinel.app.upgrade;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What an operator asked for: which launcher starts the successor (default: this installation's
 * launcher, resolved again so a replaced installation is picked up) and on which JVM.
 */
public record UpgradeRequest(Optional<Path> launcher, Optional<Path> javaHome) {

    public static UpgradeRequest defaults() {
        return new UpgradeRequest(Optional.empty(), Optional.empty());
    }
}
