package dev.zentinel.handoff.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchdogTest {

    private static final long OWN_PID = ProcessHandle.current().pid();
    private static EventLoopGroup group;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void pingsEveryHalfIntervalWhileHealthy() throws Exception {
        try (NotifySocketListener listener = NotifySocketListener.atPath(group, tmp.resolve("wd").toString());
                SdNotifier notifier = notifierFor(listener);
                Watchdog watchdog = Watchdog.start(Map.of("WATCHDOG_USEC", "200000"), OWN_PID, notifier, group, () -> true)
                        .orElseThrow()) {
            assertThat(watchdog.interval()).isEqualTo(Duration.ofMillis(100));
            List<String> pings = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                String next = listener.next(Duration.ofMillis(100));
                if (next != null) {
                    pings.add(next);
                }
                return pings.size() >= 4;
            });
            assertThat(pings).containsOnly("WATCHDOG=1");
        }
    }

    @Test
    void noPingWhileTheHealthCheckFails() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(false);
        AtomicInteger checks = new AtomicInteger();
        try (NotifySocketListener listener = NotifySocketListener.atPath(group, tmp.resolve("wd").toString());
                SdNotifier notifier = notifierFor(listener);
                Watchdog ignored = Watchdog.start(Map.of("WATCHDOG_USEC", "100000"), OWN_PID, notifier, group, () -> {
                    checks.incrementAndGet();
                    return healthy.get();
                }).orElseThrow()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> checks.get() >= 5);
            // Pings are only ever sent right after a passing check; there has been none.
            assertThat(listener.pending()).isZero();
            healthy.set(true);
            assertThat(listener.next(Duration.ofSeconds(60))).isEqualTo("WATCHDOG=1");
        }
    }

    @Test
    void aThrowingHealthCheckCountsAsUnhealthy() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        try (NotifySocketListener listener = NotifySocketListener.atPath(group, tmp.resolve("wd").toString());
                SdNotifier notifier = notifierFor(listener);
                Watchdog ignored = Watchdog.start(Map.of("WATCHDOG_USEC", "100000"), OWN_PID, notifier, group, () -> {
                    checks.incrementAndGet();
                    throw new IllegalStateException("broken check");
                }).orElseThrow()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> checks.get() >= 3);
            assertThat(listener.pending()).isZero();
        }
    }

    @Test
    void closeStopsThePings() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        try (NotifySocketListener listener = NotifySocketListener.atPath(group, tmp.resolve("wd").toString());
                SdNotifier notifier = notifierFor(listener)) {
            Watchdog watchdog = Watchdog.start(Map.of("WATCHDOG_USEC", "100000"), OWN_PID, notifier, group, () -> {
                checks.incrementAndGet();
                return true;
            }).orElseThrow();
            assertThat(listener.next(Duration.ofSeconds(60))).isEqualTo("WATCHDOG=1");
            watchdog.close();
            int afterClose = checks.get();
            // At most a tick already running when close() was called; none after that, over many periods.
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(30))
                    .until(() -> checks.get() <= afterClose + 1);
        }
    }

    @Test
    void startsOnlyWhenSystemdAsksThisProcess() throws Exception {
        try (NotifySocketListener listener = NotifySocketListener.atPath(group, tmp.resolve("wd").toString());
                SdNotifier notifier = notifierFor(listener)) {
            assertThat(Watchdog.start(Map.of(), OWN_PID, notifier, group, () -> true)).isEmpty();
            assertThat(Watchdog.start(Map.of("WATCHDOG_USEC", "0"), OWN_PID, notifier, group, () -> true)).isEmpty();
            assertThat(Watchdog.start(Map.of("WATCHDOG_USEC", "200000", "WATCHDOG_PID", String.valueOf(OWN_PID + 1)),
                    OWN_PID, notifier, group, () -> true)).isEmpty();
            try (Watchdog ours = Watchdog.start(Map.of("WATCHDOG_USEC", "3000000", "WATCHDOG_PID", String.valueOf(OWN_PID)),
                    OWN_PID, notifier, group, () -> true).orElseThrow()) {
                assertThat(ours.interval()).isEqualTo(Duration.ofMillis(1500));
            }
        }
    }

    @Test
    void malformedVariablesAreClearErrors() throws Exception {
        try (NotifySocketListener listener = NotifySocketListener.atPath(group, tmp.resolve("wd").toString());
                SdNotifier notifier = notifierFor(listener)) {
            assertThatThrownBy(() -> Watchdog.start(Map.of("WATCHDOG_USEC", "10s"), OWN_PID, notifier, group, () -> true))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WATCHDOG_USEC").hasMessageContaining("10s");
            assertThatThrownBy(() -> Watchdog.start(Map.of("WATCHDOG_USEC", "-5"), OWN_PID, notifier, group, () -> true))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Watchdog.start(Map.of("WATCHDOG_USEC", "100", "WATCHDOG_PID", "me"), OWN_PID, notifier,
                    group, () -> true)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("WATCHDOG_PID");
        }
    }

    private static SdNotifier notifierFor(NotifySocketListener listener) {
        return SdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", listener.notifySocket()), group).orElseThrow();
    }
}
