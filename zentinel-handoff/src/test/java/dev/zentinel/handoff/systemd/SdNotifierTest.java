package dev.zentinel.handoff.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SdNotifierTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static EventLoopGroup group;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void absentWithoutNotifySocket() {
        assertThat(SdNotifier.fromEnvironment(Map.of(), group)).isEmpty();
        assertThat(SdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", ""), group)).isEmpty();
    }

    @Test
    void sendsTheExactDatagramsToAFilesystemSocket() throws Exception {
        try (NotifySocketListener listener = NotifySocketListener.atPath(group, tmp.resolve("notify").toString());
                SdNotifier notifier = SdNotifier.open(new DomainSocketAddress(listener.notifySocket()), group,
                        SdNotifier.DEFAULT_MAX_PENDING_SENDS, () -> 123_456_789L)) {
            assertSequence(listener, notifier);
        }
    }

    @Test
    void sendsTheExactDatagramsToAnAbstractSocket() throws Exception {
        String name = "zentinel-test-" + UUID.randomUUID();
        try (NotifySocketListener listener = NotifySocketListener.abstractNamed(group, name);
                SdNotifier notifier = SdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", listener.notifySocket()), group)
                        .orElseThrow()) {
            assertThat(notifier.socketAddress()).isEqualTo("@" + name);
            notifier.ready("up").get(30, TimeUnit.SECONDS);
            assertThat(listener.next(WAIT)).isEqualTo("READY=1\nSTATUS=up");
            notifier.reloading().get(30, TimeUnit.SECONDS);
            assertThat(listener.next(WAIT)).matches("RELOADING=1\nMONOTONIC_USEC=[1-9][0-9]*");
        }
    }

    @Test
    void fromEnvironmentUsesAFilesystemPath() throws Exception {
        try (NotifySocketListener listener = NotifySocketListener.atPath(group, tmp.resolve("n.sock").toString());
                SdNotifier notifier = SdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", listener.notifySocket()), group)
                        .orElseThrow()) {
            notifier.stopping().get(30, TimeUnit.SECONDS);
            assertThat(listener.next(WAIT)).isEqualTo("STOPPING=1");
        }
    }

    private static void assertSequence(NotifySocketListener listener, SdNotifier notifier) throws Exception {
        notifier.ready("serving 2 listeners").get(30, TimeUnit.SECONDS);
        notifier.reloading().get(30, TimeUnit.SECONDS);
        notifier.mainPid(4242).get(30, TimeUnit.SECONDS);
        notifier.mainPidReady(4243, "upgraded").get(30, TimeUnit.SECONDS);
        notifier.status("draining\nREADY=1").get(30, TimeUnit.SECONDS);
        notifier.ready(null).get(30, TimeUnit.SECONDS);
        notifier.stopping().get(30, TimeUnit.SECONDS);
        notifier.send("STATUS=raw\nERRNO=0").get(30, TimeUnit.SECONDS);
        assertThat(listener.next(WAIT)).isEqualTo("READY=1\nSTATUS=serving 2 listeners");
        assertThat(listener.next(WAIT)).isEqualTo("RELOADING=1\nMONOTONIC_USEC=123456789");
        assertThat(listener.next(WAIT)).isEqualTo("MAINPID=4242");
        assertThat(listener.next(WAIT)).isEqualTo("MAINPID=4243\nREADY=1\nSTATUS=upgraded");
        // A newline in a status must not smuggle in another assignment.
        assertThat(listener.next(WAIT)).isEqualTo("STATUS=draining READY=1");
        assertThat(listener.next(WAIT)).isEqualTo("READY=1");
        assertThat(listener.next(WAIT)).isEqualTo("STOPPING=1");
        assertThat(listener.next(WAIT)).isEqualTo("STATUS=raw\nERRNO=0");
    }

    @Test
    void messagesKeepTheirOrderUnderABurst() throws Exception {
        try (NotifySocketListener listener = NotifySocketListener.atPath(group, tmp.resolve("burst").toString());
                SdNotifier notifier = SdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", listener.notifySocket()), group)
                        .orElseThrow()) {
            for (int i = 0; i < 50; i++) {
                notifier.status("step " + i);
            }
            notifier.status("last").get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 50; i++) {
                assertThat(listener.next(WAIT)).isEqualTo("STATUS=step " + i);
            }
            assertThat(listener.next(WAIT)).isEqualTo("STATUS=last");
        }
    }

    @Test
    void longStatusIsCutAndStaysOneDatagram() throws Exception {
        try (NotifySocketListener listener = NotifySocketListener.atPath(group, tmp.resolve("long").toString());
                SdNotifier notifier = SdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", listener.notifySocket()), group)
                        .orElseThrow()) {
            notifier.status("x".repeat(5000)).get(30, TimeUnit.SECONDS);
            assertThat(listener.next(WAIT)).isEqualTo("STATUS=" + "x".repeat(NotifyMessage.MAX_STATUS_CHARS - 3) + "...");
        }
    }

    @Test
    void aMissingNotifySocketFailsTheFuture() {
        try (SdNotifier notifier = SdNotifier.fromEnvironment(
                Map.of("NOTIFY_SOCKET", tmp.resolve("nobody-listens").toString()), group).orElseThrow()) {
            assertThatThrownBy(() -> notifier.ready("x").get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IOException.class)
                    .hasMessageContaining("nobody-listens");
        }
    }

    @Test
    void aClosedNotifierRefusesToSend() {
        SdNotifier notifier = SdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", tmp.resolve("s").toString()), group)
                .orElseThrow();
        notifier.close();
        assertThat(notifier.ready("x")).isCompletedExceptionally();
    }

    @Test
    void badNotifySocketValuesAreClearErrors() {
        assertThatThrownBy(() -> SdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "run/notify"), group))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute path");
        assertThatThrownBy(() -> SdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "vsock:2:1234"), group))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vsock");
        assertThatThrownBy(() -> SdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "@"), group))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "/" + "a".repeat(200)), group))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
    }

    @Test
    void badStatesAreRefusedBeforeSending() {
        try (SdNotifier notifier = SdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", tmp.resolve("s").toString()), group)
                .orElseThrow()) {
            assertThatThrownBy(() -> notifier.send("")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> notifier.send("ready")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("KEY=VALUE");
            assertThatThrownBy(() -> notifier.send("READY=1\0")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> notifier.send("STATUS=" + "y".repeat(5000))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("4096");
            assertThatThrownBy(() -> notifier.mainPid(0)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
