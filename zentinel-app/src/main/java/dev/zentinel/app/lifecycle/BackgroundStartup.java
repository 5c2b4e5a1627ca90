package dev.zentinel.app.lifecycle;

import dev.zentinel.app.upgrade.BackgroundStart;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The successor's side of {@link BackgroundStart}: it runs niced through JVM start-up,
 * configuration and the hand-over of the sockets, and returns to its predecessor's niceness when
 * its warm-up begins ({@link #warmUpInForeground}), before it accepts a connection. A machine with
 * no idle CPU would starve a niced start-up, so once the predecessor's deadline (3/5 of its
 * readiness timeout, counted from the spawn) has passed the start-up threads return anyway (see
 * {@link #deadline}): a busy machine slows an upgrade down but does not make it fail. A successor
 * that cannot return serves anyway and says so. Its JIT compilers are then
 * {@link CompilerPriority}'s.
 */
public final class BackgroundStartup implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackgroundStartup.class);

    private final int targetNice;
    private final Duration foregroundAfter;
    private final ScheduledExecutorService timer;
    private boolean foreground;

    private BackgroundStartup(int targetNice, Duration foregroundAfter) {
        this.targetNice = targetNice;
        this.foregroundAfter = foregroundAfter;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "zentinel-background-startup");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Present when this process was started in the background; the deadline counts from
     * {@code sinceSpawn}, the time this process has already lived.
     */
    public static Optional<BackgroundStartup> fromEnvironment(Map<String, String> environment, Duration sinceSpawn) {
        OptionalLong target = EnvironmentValues.number(environment, BackgroundStart.RESTORE_NICE_ENV);
        if (target.isEmpty() || target.getAsLong() < -20 || target.getAsLong() > 19) {
            return Optional.empty();
        }
        long afterMillis = EnvironmentValues.number(environment, BackgroundStart.FOREGROUND_AFTER_ENV).orElse(0);
        Duration after = Duration.ofMillis(Math.max(0, afterMillis)).minus(sinceSpawn);
        BackgroundStartup startup = new BackgroundStartup((int) target.getAsLong(),
                after.isNegative() ? Duration.ZERO : after);
        startup.timer.schedule(startup::deadline, startup.foregroundAfter.toMillis(), TimeUnit.MILLISECONDS);
        return Optional.of(startup);
    }

    /** The niceness this process returns to: its predecessor's. */
    int restoreNice() {
        return targetNice;
    }

    /**
     * The predecessor's deadline has come before the warm-up began: every thread but the JIT
     * compilers and the event loops returns to the predecessor's niceness, so that the start-up
     * steps left (main thread, hand-over, control plane) are no longer slowed down; the warm-up
     * brings the rest back when it begins.
     */
    synchronized void deadline() {
        if (foreground) {
            return;
        }
        restore("start-up still running at the predecessor's deadline",
                name -> !ThreadNiceness.isCompiler(name) && !ThreadNiceness.isEventLoop(name));
    }

    /**
     * The warm-up begins: every thread returns to the predecessor's niceness, the JIT compilers
     * and event loops included (and the event loops the warm-up starts inherit it from the main
     * thread). The warm-up is bounded by work (requests, then the compilers going quiet), so at
     * full priority it takes the same CPU from the serving process in less time; niced on a
     * saturated core it got a tenth of it and ran out of time half done.
     */
    synchronized void warmUpInForeground() {
        if (foreground) {
            return;
        }
        foreground = true;
        timer.shutdown();
        restore("warming up", name -> true);
    }

    private void restore(String why, Predicate<String> threads) {
        long started = System.nanoTime();
        Optional<String> problem = ThreadNiceness.ofThisProcess().restore(targetNice, threads);
        if (problem.isPresent()) {
            log.warn("could not return to niceness {} ({}); serving anyway: {}", targetNice, why, problem.get());
        } else {
            log.info("back to niceness {} from the background start-up ({}; {} ms)", targetNice, why,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
    }

    /** Stops the deadline timer (the niceness stays as it is). */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
