package dev.zentinel.app.upgrade;

import dev.zentinel.app.runtime.Niceness;
import dev.zentinel.app.runtime.SystemCommand;
import java.nio.file.Path;
import java.util.List;
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
 * @param restoreNice the niceness the successor returns to before READY
 */
public record BackgroundStart(List<String> prefix, int restoreNice) {

    /** Tells the successor which niceness to return to once it has warmed up. */
    public static final String RESTORE_NICE_ENV = "ZENTINEL_RESTORE_NICE";

    private static final Logger log = LoggerFactory.getLogger(BackgroundStart.class);

    public BackgroundStart {
        prefix = List.copyOf(prefix);
    }

    /** The plan for a successor niced by {@code increment} (0 = start it at this process's priority). */
    public static Optional<BackgroundStart> plan(int increment, Niceness niceness) {
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
                current.getAsInt()));
    }
}
