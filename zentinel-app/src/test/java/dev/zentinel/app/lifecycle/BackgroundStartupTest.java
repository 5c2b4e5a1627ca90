package dev.zentinel.app.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zentinel.app.runtime.Niceness;
import dev.zentinel.app.upgrade.BackgroundStart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class BackgroundStartupTest {

    @Test
    void onlyASuccessorStartedInTheBackgroundHasOne() {
        assertThat(BackgroundStartup.fromEnvironment(Map.of(), Duration.ZERO)).isEmpty();
        assertThat(BackgroundStartup.fromEnvironment(Map.of(BackgroundStart.RESTORE_NICE_ENV, "x"), Duration.ZERO))
                .as("garbage is ignored, not guessed at").isEmpty();
        assertThat(BackgroundStartup.fromEnvironment(Map.of(BackgroundStart.RESTORE_NICE_ENV, "25"), Duration.ZERO))
                .as("no such niceness").isEmpty();

        try (BackgroundStartup startup = BackgroundStartup.fromEnvironment(Map.of(BackgroundStart.RESTORE_NICE_ENV, "0",
                BackgroundStart.FOREGROUND_AFTER_ENV, "60000"), Duration.ofSeconds(1)).orElseThrow()) {
            assertThat(startup).isNotNull();
        }
    }

    @Test
    void recognisesTheJvmThreadsItTreatsApart() {
        assertThat(ThreadNiceness.isCompiler("C2 CompilerThre")).isTrue();
        assertThat(ThreadNiceness.isCompiler("C1 CompilerThre")).isTrue();
        assertThat(ThreadNiceness.isCompiler("zentinel-io-4-1")).isFalse();
        assertThat(ThreadNiceness.isMain("java")).isTrue();
        assertThat(ThreadNiceness.isMain("javax")).isFalse();
    }

    @Test
    void atThePredecessorsDeadlineTheStartUpThreadsReturnButTheWarmUpsEventLoopsOnlyWhenTheWarmUpBegins()
            throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux's /proc");
        Niceness niceness = Niceness.ofThisProcess();
        int normal = niceness.current().orElseThrow();
        assumeTrue(normal <= 16 && niceness.mayLowerTo(normal), "needs the right to return to niceness " + normal);
        CountDownLatch end = new CountDownLatch(1);
        Thread loop = parked("zentinel-io-77", end);
        Thread handoff = parked("zentinel-handoff-77", end);
        try {
            long loopTid = tidOf("zentinel-io-77", niceness);
            long handoffTid = tidOf("zentinel-handof", niceness);
            ThreadNiceness threads = ThreadNiceness.ofThisProcess();
            assertThat(threads.lowerTo(normal + 3, name -> name.equals("zentinel-io-77") || name.equals("zentinel-handof")))
                    .isEmpty();
            assertThat(niceness.ofThread(loopTid)).hasValue(normal + 3);

            try (BackgroundStartup startup = BackgroundStartup.fromEnvironment(Map.of(BackgroundStart.RESTORE_NICE_ENV,
                    Integer.toString(normal), BackgroundStart.FOREGROUND_AFTER_ENV, "0"), Duration.ZERO).orElseThrow()) {
                await("the deadline").atMost(Duration.ofSeconds(30))
                        .until(() -> niceness.ofThread(handoffTid).equals(OptionalInt.of(normal)));
                assertThat(niceness.ofThread(loopTid)).as("the warm-up's event loop stays niced").hasValue(normal + 3);

                startup.warmUpInForeground();
                assertThat(niceness.ofThread(loopTid)).as("the warm-up begins: back before READY").hasValue(normal);
            }
        } finally {
            end.countDown();
            loop.join();
            handoff.join();
        }
    }

    @Test
    void aWarmUpInTheForegroundBringsEveryThreadBackThenTheCompilersWaitForThePredecessor() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux's /proc");
        Niceness niceness = Niceness.ofThisProcess();
        int normal = niceness.current().orElseThrow();
        assumeTrue(normal <= 16 && niceness.mayLowerTo(normal), "needs the right to return to niceness " + normal);
        CountDownLatch end = new CountDownLatch(1);
        Thread loop = parked("zentinel-io-78", end);
        ThreadNiceness threads = ThreadNiceness.ofThisProcess();
        try {
            long loopTid = tidOf("zentinel-io-78", niceness);
            // As in a successor started with nice: its event loop and compilers run niced.
            assertThat(threads.lowerTo(normal + 3, name -> name.equals("zentinel-io-78") || ThreadNiceness.isCompiler(name)))
                    .isEmpty();
            assumeTrue(!compilerNiceness(niceness).isEmpty(), "needs a JVM with JIT compiler threads");
            try (BackgroundStartup startup = BackgroundStartup.fromEnvironment(Map.of(BackgroundStart.RESTORE_NICE_ENV,
                    Integer.toString(normal), BackgroundStart.FOREGROUND_AFTER_ENV, "600000"), Duration.ZERO).orElseThrow()) {
                CompilerPriority compilers = new CompilerPriority(threads, 3, OptionalInt.of(startup.restoreNice()));

                startup.warmUpInForeground();
                assertThat(niceness.ofThread(loopTid)).as("the warm-up's event loop").hasValue(normal);
                assertThat(compilerNiceness(niceness)).as("the compilers").containsOnly(normal);

                compilers.warmedUp();
                assertThat(compilerNiceness(niceness)).as("behind the predecessor again").containsOnly(normal + 3);
                assertThat(niceness.ofThread(loopTid)).as("the event loop stays back").hasValue(normal);

                compilers.predecessorGone();
                assertThat(compilerNiceness(niceness)).as("serving alone").containsOnly(normal);
            }
        } finally {
            threads.restore(normal, name -> true);
            end.countDown();
            loop.join();
        }
    }

    @Test
    void recognisesTheEventLoops() {
        assertThat(ThreadNiceness.isEventLoop("zentinel-io-0")).isTrue();
        assertThat(ThreadNiceness.isEventLoop("zentinel-control")).isFalse();
    }

    private static Thread parked(String name, CountDownLatch end) {
        CountDownLatch started = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            started.countDown();
            try {
                end.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return thread;
    }

    /** The kernel's id of this process's only thread of that (15-character) name. */
    private static List<Integer> compilerNiceness(Niceness niceness) {
        return LongStream.of(niceness.threadIds())
                .filter(tid -> ThreadNiceness.isCompiler(niceness.threadName(tid).orElse("")))
                .mapToObj(niceness::ofThread).filter(OptionalInt::isPresent).map(OptionalInt::getAsInt).toList();
    }

    private static long tidOf(String kernelName, Niceness niceness) {
        long[] tids = LongStream.of(niceness.threadIds()).filter(t -> niceness.threadName(t).orElse("").equals(kernelName)).toArray();
        assertThat(tids).as(kernelName).hasSize(1);
        return tids[0];
    }
}
