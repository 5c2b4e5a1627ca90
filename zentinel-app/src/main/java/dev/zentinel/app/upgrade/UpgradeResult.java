package dev.zentinel.app.upgrade;

import java.time.Duration;

/** A finished upgrade as the old process saw it; {@code successorStartup} is the new one's own figure. */
public record UpgradeResult(long oldPid, long newPid, long newGeneration, Duration total, Duration successorStartup) {

    public String summary() {
        return "upgraded: pid " + oldPid + " -> " + newPid + " (generation " + newGeneration + ") in "
                + total.toMillis() + " ms (successor start-up " + successorStartup.toMillis() + " ms)";
    }
}
