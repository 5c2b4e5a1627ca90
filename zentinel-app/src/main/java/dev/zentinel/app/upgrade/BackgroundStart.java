package dev.zentinel.app.upgrade;

import dev.zentinel.app.runtime.Niceness;
import dev.zentinel.app.runtime.SystemCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the successor at a higher niceness (lower CPU priority) than this process, so that its
 * JVM start-up, class loading, JIT compilation and warm-up take only CPU time the serving process
 * leaves idle; the successor comes back to this process's niceness before it takes traffic. Used
 * only when that way back is open (root, CAP_SYS_NICE, or an RLIMIT_NICE that allows it): a
 * successor stuck in the background would serve at the wrong priority.
 *
 * @param prefix      the command that runs the launcher niced ({@code nice -n N})
 * @param restoreNice     the niceness the successor returns to before READY
 * @param foregroundAfter when the successor returns to it even if it has not warmed up yet (3/5
 *                        of the readiness timeout), so that a machine without idle CPU delays the
 *                        upgrade but does not fail it
 */
public record BackgroundStart(List<String> prefix, int restoreNice, Duration foregroundAfter) {

    /** Tells the successor which niceness to return to once it has warmed up. */
    public static final String RESTORE_NICE_ENV = "ZENTINEL_RESTORE_NICE";
    /** Milliseconds after its spawn at which the successor returns to the foreground even if not warmed up. */
    public static final String FOREGROUND_AFTER_ENV = "ZENTINEL_FOREGROUND_AFTER_MS";

    private static final Logger log = LoggerFactory.getLogger(BackgroundStart.class);

    public BackgroundStart {
        prefix = List.copyOf(prefix);
    }

    /** The plan for a successor niced by {@code increment} (0 = start it at this process's priority). */
    public static Optional<BackgroundStart> plan(int increment, Duration readinessTimeout, Niceness niceness) {
        if (increment <= 0) {
            return Optional.empty();
        }
        OptionalInt current = niceness.current();
        if (current.isEmpty()) {
            log.info("upgrade: successor starts at normal priority (niceness unknown without /proc)");
            return Optional.empty();
        }
        if (!niceness.mayLowerTo(current.getAsInt())) {
            log.warn("upgrade: successor starts at normal priority: it could not return from niceness +{} to {}"
                    + " (needs RLIMIT_NICE >= {}, e.g. LimitNICE= in the systemd unit, or CAP_SYS_NICE);"
                    + " set upgrade.successor-nice: 0 to silence this", increment, current.getAsInt(),
                    20 - current.getAsInt());
            return Optional.empty();
        }
        Optional<Path> nice = SystemCommand.find("nice");
        if (nice.isEmpty()) {
            log.warn("upgrade: successor starts at normal priority: no 'nice' command found");
            return Optional.empty();
        }
        return Optional.of(new BackgroundStart(List.of(nice.get().toString(), "-n", Integer.toString(increment)),
                current.getAsInt(), readinessTimeout.multipliedBy(3).dividedBy(5)));
    }

    /** What the successor must be told. */
    public Map<String, String> environment() {
        return Map.of(RESTORE_NICE_ENV, Integer.toString(restoreNice),
                FOREGROUND_AFTER_ENV, Long.toString(foregroundAfter.toMillis()));
    }
}
