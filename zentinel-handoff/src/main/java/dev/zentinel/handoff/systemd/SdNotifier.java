package dev.zentinel.handoff.systemd;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends sd_notify(3) state datagrams to the socket named by NOTIFY_SOCKET.
 *
 * <p>One unconnected datagram socket, auto-bound to an abstract address, sends every message with
 * sendto(2) to the notify socket, so the notify path is resolved again for each message (as
 * libsystemd does) and a re-executed systemd is found. Messages from one thread are sent in call
 * order. Futures complete on the event loop: do not block in their callbacks.
 *
 * <p>Usage rules for the upgrade (see docs/systemd.md): the old process sends {@link #reloading()}
 * when an upgrade starts; the successor sends {@link #mainPidReady(long, String)} and waits for that
 * future before it reports READY over the handoff, so systemd has the datagram queued before the old
 * process can exit; the old process must not send STOPPING=1, STATUS= or WATCHDOG=1 after the
 * successor is ready (they would describe the service, which now is the successor). If the upgrade
 * fails, the old process sends {@link #ready(String)} again to leave the reloading state.
 */
public final class SdNotifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SdNotifier.class);

    /** Sends queued at once before {@link #send} refuses more; notifications are rare, so this is generous. */
    public static final int DEFAULT_MAX_PENDING_SENDS = 64;

    private final DomainSocketAddress target;
    private final ChannelFuture bound;
    private final int maxPendingSends;
    private final LongSupplier monotonicMicros;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private SdNotifier(DomainSocketAddress target, ChannelFuture bound, int maxPendingSends, LongSupplier monotonicMicros) {
        this.target = target;
        this.bound = bound;
        this.maxPendingSends = maxPendingSends;
        this.monotonicMicros = monotonicMicros;
    }

    /**
     * Empty when NOTIFY_SOCKET is unset (or empty). Supports filesystem paths and abstract "@name"
     * sockets. Uses Netty's EpollDomainDatagramChannel (no extra library); the given group, which must
     * run the epoll transport, runs it.
     *
     * @throws IllegalArgumentException NOTIFY_SOCKET is set to something unusable
     * @throws IllegalStateException NOTIFY_SOCKET is set but the epoll transport is unavailable
     */
    public static Optional<SdNotifier> fromEnvironment(Map<String, String> env, EventLoopGroup group) {
        return fromEnvironment(env, group, DEFAULT_MAX_PENDING_SENDS);
    }

    /** As {@link #fromEnvironment(Map, EventLoopGroup)}, with a bound on sends in flight. */
    public static Optional<SdNotifier> fromEnvironment(Map<String, String> env, EventLoopGroup group, int maxPendingSends) {
        String value = env.get(SystemdEnvironment.NOTIFY_SOCKET);
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(open(NotifySocketAddress.parse(value), group, maxPendingSends, MonotonicClock::microseconds));
    }

    static SdNotifier open(DomainSocketAddress target, EventLoopGroup group, int maxPendingSends, LongSupplier monotonicMicros) {
        if (maxPendingSends < 1) {
            throw new IllegalArgumentException("maxPendingSends must be at least 1, got " + maxPendingSends);
        }
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("NOTIFY_SOCKET is set but the epoll transport is unavailable", Epoll.unavailabilityCause());
        }
        // An empty path makes the kernel auto-bind a unique abstract address, which gives the channel
        // the active state Netty requires to write, without a filesystem entry to clean up.
        ChannelFuture bound = new Bootstrap()
                .group(group)
                .channel(EpollDomainDatagramChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .bind(new DomainSocketAddress(""));
        bound.addListener(f -> {
            if (!f.isSuccess()) {
                log.error("cannot open a datagram socket for sd_notify to {}", NotifySocketAddress.describe(target), f.cause());
            }
        });
        return new SdNotifier(target, bound, maxPendingSends, monotonicMicros);
    }

    /**
     * Sends a raw state ("KEY=VALUE\n..."), as one datagram.
     *
     * @throws IllegalArgumentException the state is empty, not KEY=VALUE lines, or longer than 4096 bytes
     * @return completes when the kernel accepted the datagram; fails when the notifier is closed, too
     *     many sends are pending, or the notify socket refused it
     */
    public CompletableFuture<Void> send(String state) {
        byte[] bytes = NotifyMessage.validate(state);
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("sd_notify is closed"));
        }
        if (pending.incrementAndGet() > maxPendingSends) {
            pending.decrementAndGet();
            return CompletableFuture.failedFuture(new RejectedExecutionException(
                    "sd_notify: " + maxPendingSends + " sends already pending to " + socketAddress()));
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        result.whenComplete((ignored, error) -> pending.decrementAndGet());
        bound.addListener(b -> {
            if (!b.isSuccess()) {
                result.completeExceptionally(new IOException("sd_notify: no datagram socket", b.cause()));
                return;
            }
            bound.channel().writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(bytes), target)).addListener(w -> {
                if (w.isSuccess()) {
                    result.complete(null);
                } else {
                    result.completeExceptionally(new IOException("sd_notify to " + socketAddress() + " failed: " + w.cause(), w.cause()));
                }
            });
        });
        return result;
    }

    /** "READY=1\nSTATUS=..." (STATUS omitted when status is null): start-up or reload finished. */
    public CompletableFuture<Void> ready(String status) {
        return send(NotifyMessage.ready(status));
    }

    /** "RELOADING=1\nMONOTONIC_USEC=&lt;CLOCK_MONOTONIC usec&gt;": an upgrade has begun. */
    public CompletableFuture<Void> reloading() {
        return send(NotifyMessage.reloading(monotonicMicros.getAsLong()));
    }

    /** "MAINPID=&lt;pid&gt;": systemd tracks this process as the service's main process from now on. */
    public CompletableFuture<Void> mainPid(long pid) {
        return send(NotifyMessage.mainPid(pid));
    }

    /**
     * "MAINPID=&lt;pid&gt;\nREADY=1\nSTATUS=...": the successor's announcement, in one datagram so that
     * systemd never sees one without the other.
     */
    public CompletableFuture<Void> mainPidReady(long pid, String status) {
        return send(NotifyMessage.mainPidReady(pid, status));
    }

    /** "STOPPING=1": the service is shutting down (a real stop, never the old side of an upgrade). */
    public CompletableFuture<Void> stopping() {
        return send(NotifyMessage.stopping());
    }

    /** "STATUS=...": free text shown by systemctl status; newlines become spaces, long texts are cut. */
    public CompletableFuture<Void> status(String status) {
        return send(NotifyMessage.status(status));
    }

    /** "WATCHDOG=1": one keep-alive ping (see {@link Watchdog} for the scheduled pings). */
    public CompletableFuture<Void> watchdog() {
        return send(NotifyMessage.watchdog());
    }

    /** The notify socket, '@' marking an abstract one. */
    public String socketAddress() {
        return NotifySocketAddress.describe(target);
    }

    /**
     * Closes the socket after the sends already requested; later sends fail. Does not wait: await the
     * future of a last message (e.g. STOPPING=1) before closing if it must arrive.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            bound.addListener(b -> bound.channel().close());
        }
    }
}
