package dev.zentinel.proxy.upstream;

import dev.zentinel.proxy.balance.Target;
import dev.zentinel.proxy.config.UpstreamConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Keep-alive connections to one target, owned by one event loop. Idle connections are reused
 * most-recently-used first (they are the least likely to have been closed by the origin) and
 * are bounded by {@code max-idle-per-target}; each closes itself after {@code idle-timeout} or
 * when the origin closes it, and removes itself from the pool then.
 */
public final class TargetPool {

    private final EventLoop loop;
    private final UpstreamGroup group;
    private final Target target;
    private final Bootstrap bootstrap;
    private final int maxIdle;
    private final long readTimeoutNanos;
    private final long idleTimeoutNanos;
    private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();

    TargetPool(EventLoop loop, Class<? extends Channel> channelClass, UpstreamGroup group, Target target) {
        this.loop = loop;
        this.group = group;
        this.target = target;
        UpstreamConfig config = group.config();
        this.maxIdle = config.maxIdlePerTarget();
        this.readTimeoutNanos = config.readTimeout().toNanos();
        this.idleTimeoutNanos = config.idleTimeout().toNanos();
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(UpstreamConnection.NAME, new UpstreamConnection(TargetPool.this));
                    }
                });
    }

    public Target target() {
        return target;
    }

    public UpstreamGroup group() {
        return group;
    }

    /** An idle, still-open pooled connection, or null when there is none. */
    public UpstreamConnection pollIdle() {
        UpstreamConnection c;
        while ((c = idle.pollFirst()) != null) {
            if (c.leaveIdle()) {
                return c;
            }
        }
        return null;
    }

    /** Opens a new connection; on success {@link UpstreamConnection#of(Channel)} gives its handler. */
    public ChannelFuture connect() {
        return bootstrap.connect(target.socketAddress());
    }

    /**
     * Opens {@code count} connections (cut to the room left in the idle pool) and parks each as
     * idle once connected, so that the first requests find them. Call on this pool's loop;
     * completes, on the loop, when every attempt has ended.
     */
    CompletableFuture<Preconnected> preconnect(int count) {
        int attempts = Math.max(0, Math.min(count, maxIdle - idle.size()));
        CompletableFuture<Preconnected> done = new CompletableFuture<>();
        if (attempts == 0) {
            done.complete(Preconnected.NONE);
            return done;
        }
        int[] pending = {attempts};
        int[] opened = {0};
        for (int i = 0; i < attempts; i++) {
            connect().addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    opened[0]++;
                    offer(UpstreamConnection.of(f.channel()));
                }
                if (--pending[0] == 0) {
                    done.complete(new Preconnected(opened[0], attempts - opened[0]));
                }
            });
        }
        return done;
    }

    /** Takes a connection back after a complete exchange; closes it when the pool is full. */
    void offer(UpstreamConnection connection) {
        offer(connection, System.nanoTime());
    }

    /** {@link #offer(UpstreamConnection)} with the caller's clock reading. */
    void offer(UpstreamConnection connection, long nowNanos) {
        if (idle.size() >= maxIdle || !connection.enterIdle(nowNanos)) {
            connection.close();
            return;
        }
        idle.addFirst(connection);
    }

    void remove(UpstreamConnection connection) {
        idle.remove(connection);
    }

    void closeIdle() {
        UpstreamConnection c;
        while ((c = idle.pollFirst()) != null) {
            c.close();
        }
    }

    int idleCount() {
        return idle.size();
    }

    long readTimeoutNanos() {
        return readTimeoutNanos;
    }

    long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    EventLoop loop() {
        return loop;
    }
}
