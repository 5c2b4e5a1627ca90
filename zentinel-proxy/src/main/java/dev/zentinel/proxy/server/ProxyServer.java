package dev.zentinel.proxy.server;

import dev.zentinel.proxy.accesslog.AccessLog;
import dev.zentinel.proxy.config.ListenerConfig;
import dev.zentinel.proxy.http.ClientConnection;
import dev.zentinel.proxy.config.ProxyConfig;
import dev.zentinel.proxy.config.UpgradeConfig;
import dev.zentinel.proxy.http.ProxyContext;
import dev.zentinel.proxy.metrics.ProxyMetrics;
import dev.zentinel.proxy.upstream.Preconnected;
import dev.zentinel.proxy.upstream.Upstreams;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 reverse proxy of one process generation: its listeners, its client connections
 * and their upstream pools, all on one event loop group.
 *
 * <p>Lifecycle: {@link #start} opens every configured listener (bind, or adopt through the
 * given {@link ListenerOpener}); {@link #stopAccepting} closes this process's copy of the
 * listening sockets; {@link #drain} lets open connections finish (see docs/proxy.md for the
 * exact rules); {@link #close} ends everything. States only move forward:
 * STARTING, SERVING, DRAINING, STOPPED.
 */
public final class ProxyServer implements AutoCloseable {

    /** Default quiet period after which an idle connection is closed during a drain. */
    public static final Duration DEFAULT_DRAIN_IDLE_QUIET = UpgradeConfig.DEFAULT_DRAIN_IDLE_QUIET;
    /** Upper bound for waiting on the event loops to terminate in {@link #close()}. */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    /** Upper bound for waiting on a listener channel to close in {@link #stopAccepting()}. */
    static final Duration LISTENER_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** After a drain timeout force-closed the stragglers, how long we wait for them to be gone. */
    static final Duration FORCE_CLOSE_GRACE = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final ProxyConfig config;
    private final ProxyMetrics metrics;
    private final Transport transport;
    private final EventLoopGroup group;
    private final ProxyContext context;
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final Map<String, ListenerGate> gates = new LinkedHashMap<>();
    private final Map<String, ServerChannel> listeners = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Object lock = new Object();
    private volatile ServerState state = ServerState.STARTING;
    private CompletableFuture<Void> started;
    private CompletableFuture<DrainResult> drained;

    public ProxyServer(ProxyConfig config, ProxyMetrics metrics, AccessLog accessLog, Transport transport, int eventLoopThreads) {
        this.config = config;
        this.metrics = metrics;
        this.transport = transport;
        Upstreams upstreams = new Upstreams(config.upstreams(), transport.channelClass());
        this.context = new ProxyContext(config.routes(), upstreams, config.limits(), metrics, accessLog);
        for (ListenerConfig listener : config.listeners()) {
            gates.put(listener.name(), new ListenerGate(listener.name(), listener.maxConnections()));
        }
        this.group = transport.newGroup(eventLoopThreads, "zentinel-io");
    }

    /**
     * Opens every listener. Completes when all are open; if any fails, the ones already opened
     * are closed again and the future fails naming the listener and the cause.
     */
    public CompletableFuture<Void> start(ListenerOpener opener) {
        synchronized (lock) {
            if (started != null) {
                return started;
            }
            started = new CompletableFuture<>();
        }
        List<ListenerConfig> all = config.listeners();
        AtomicInteger pending = new AtomicInteger(all.size());
        if (all.isEmpty()) {
            state = ServerState.SERVING;
            started.complete(null);
            return started;
        }
        for (ListenerConfig listener : all) {
            ChannelFuture opened;
            try {
                opened = opener.open(bootstrapFor(listener), listener);
            } catch (RuntimeException e) {
                failStart(listener, e);
                continue;
            }
            opened.addListener(f -> {
                synchronized (lock) {
                    if (!f.isSuccess()) {
                        failStart(listener, f.cause());
                    } else if (started.isCompletedExceptionally() || state != ServerState.STARTING) {
                        // Another listener failed, or we were stopped, while this one was opening.
                        opened.channel().close();
                        started.completeExceptionally(new IllegalStateException("server stopped while starting"));
                    } else {
                        listeners.put(listener.name(), (ServerChannel) opened.channel());
                        if (pending.decrementAndGet() == 0) {
                            state = ServerState.SERVING;
                            started.complete(null);
                        }
                    }
                }
            });
        }
        started.whenComplete((ok, error) -> {
            if (error != null) {
                // May run on an event loop: close without waiting.
                closeListeners(false);
            }
        });
        return started;
    }

    private void failStart(ListenerConfig listener, Throwable cause) {
        String why = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        started.completeExceptionally(new ListenerOpenException(
                "listener " + listener.name() + " (" + listener.address() + "): " + why, cause));
    }

    private ServerBootstrap bootstrapFor(ListenerConfig listener) {
        return new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, listener.backlog())
                .childOption(ChannelOption.AUTO_READ, false)
                // No TCP_NODELAY here: Netty's socket channel configs (epoll, kqueue, NIO) already set
                // it on every accepted socket, so a child option would be a second setsockopt per
                // connection. ProxyServerLifecycleTest checks that it stays on.
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ClientChannelInitializer(gates.get(listener.name()), context, metrics, registry));
    }

    /** The open listener channels by listener name (empty after {@link #stopAccepting()}). */
    public Map<String, ServerChannel> listeners() {
        synchronized (listeners) {
            return Map.copyOf(listeners);
        }
    }

    /**
     * Drives real requests through this server's own pipeline (on an ephemeral loopback listener,
     * to an in-process origin and a respond route) so the JIT has compiled the hot path before
     * real traffic arrives. Never touches the configured listeners or this server's metrics;
     * always completes within {@code budget} (normally, with however many requests were done).
     *
     * Cancelling the returned future ends the warm-up at once (everything it opened is closed).
     *
     * @param requests the minimum; the warm-up goes on while the JIT is still compiling
     */
    public CompletableFuture<WarmUpReport> warmUp(int requests, Duration budget) {
        return new WarmUp(group, transport, config.limits()).run(requests, budget);
    }

    /**
     * Opens {@code perTarget} connections to every upstream target on every event loop and parks
     * them in the pools (see {@link Upstreams#preconnect}); failures are only counted.
     */
    public CompletableFuture<Preconnected> preconnectUpstreams(int perTarget) {
        return context.upstreams().preconnect(group, perTarget);
    }

    /**
     * Closes this process's listening sockets (a plain close of our descriptor: an inherited or
     * handed-over socket stays open in the other process and keeps its accept queue). Returns once
     * they are closed (bounded wait), except when called on an event loop thread.
     */
    public void stopAccepting() {
        synchronized (lock) {
            if (state == ServerState.SERVING || state == ServerState.STARTING) {
                state = ServerState.DRAINING;
            }
        }
        closeListeners(true);
    }

    /**
     * Closes the listener channels and, if {@code wait} and not called on their event loop, waits
     * (bounded) until they are.
     */
    private void closeListeners(boolean wait) {
        List<ServerChannel> open;
        synchronized (listeners) {
            open = new ArrayList<>(listeners.values());
            listeners.clear();
        }
        List<ChannelFuture> closing = new ArrayList<>(open.size());
        open.forEach(channel -> closing.add(channel.close()));
        for (ChannelFuture f : closing) {
            if (wait && !f.channel().eventLoop().inEventLoop()
                    && !f.awaitUninterruptibly(LISTENER_CLOSE_TIMEOUT.toMillis())) {
                LOG.warn("listener {} did not close within {}", f.channel(), LISTENER_CLOSE_TIMEOUT);
            }
        }
    }

    /** {@link #drain(Duration, Duration)} with the default idle quiet period. */
    public CompletableFuture<DrainResult> drain(Duration timeout) {
        return drain(timeout, DEFAULT_DRAIN_IDLE_QUIET);
    }

    /**
     * Stops accepting (if not done yet) and lets every open connection finish: each response
     * from now on carries "Connection: close" and its connection closes after it; a connection
     * with no request in progress closes once it has received nothing for {@code idleQuiet}.
     * At {@code timeout} whatever is left is closed by force. Completes as soon as no connection
     * is left. Calling it again returns the same future.
     */
    public CompletableFuture<DrainResult> drain(Duration timeout, Duration idleQuiet) {
        return drain(timeout, idleQuiet, Duration.ZERO);
    }

    /**
     * {@link #drain(Duration, Duration)}, telling the connections open now one after another,
     * evenly over {@code spread} instead of all at once (a gradual drain: after an upgrade their
     * clients then reconnect to the successor a few at a time). The spread is cut to half the
     * timeout, so that every connection has time left to finish before the force-close.
     */
    public CompletableFuture<DrainResult> drain(Duration timeout, Duration idleQuiet, Duration spread) {
        synchronized (lock) {
            if (drained != null) {
                return drained;
            }
            drained = new CompletableFuture<>();
        }
        stopAccepting();
        long startNanos = System.nanoTime();
        CompletableFuture<DrainResult> result = drained;
        AtomicInteger forced = new AtomicInteger();
        long spreadNanos = Math.max(0, Math.min(spread.toNanos(), timeout.toNanos() / 2));
        CompletableFuture<Void> empty = registry.drain(Math.max(0, idleQuiet.toNanos()), spreadNanos);
        if (group.isShuttingDown()) {
            // Closed already: nothing is left to drain.
            result.complete(new DrainResult(0, 0, Duration.ofNanos(System.nanoTime() - startNanos)));
            return result;
        }
        var deadline = group.next().schedule(() -> {
            if (!empty.isDone()) {
                // Count before closing: the last close completes the drain, possibly right here.
                List<ClientConnection> remaining = registry.snapshot();
                forced.set(remaining.size());
                ConnectionRegistry.close(remaining);
                group.next().schedule(() -> empty.complete(null), FORCE_CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        }, Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
        empty.whenComplete((ok, error) -> {
            deadline.cancel(false);
            int forceClosed = forced.get();
            result.complete(new DrainResult(Math.max(0, registry.drainedTotal() - forceClosed), forceClosed,
                    Duration.ofNanos(System.nanoTime() - startNanos)));
        });
        return result;
    }

    public ServerState state() {
        return state;
    }

    public int activeConnections() {
        return registry.size();
    }

    /** The client connections open right now (for tests in this package). */
    List<ClientConnection> clientConnections() {
        return registry.snapshot();
    }

    public Map<String, Integer> activeConnectionsByListener() {
        Map<String, Integer> byListener = new LinkedHashMap<>();
        gates.forEach((name, gate) -> byListener.put(name, gate.active()));
        return byListener;
    }

    public EventLoopGroup eventLoopGroup() {
        return group;
    }

    /** Closes listeners and connections now and shuts the event loops down (bounded wait). */
    @Override
    public void close() {
        synchronized (lock) {
            if (state == ServerState.STOPPED) {
                return;
            }
            state = ServerState.STOPPED;
        }
        closeListeners(true);
        registry.closeAll();
        context.upstreams().closeIdle();
        var termination = group.shutdownGracefully(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (!termination.await(SHUTDOWN_TIMEOUT.toMillis() + 1000)) {
                LOG.warn("event loops did not terminate within {}", SHUTDOWN_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
