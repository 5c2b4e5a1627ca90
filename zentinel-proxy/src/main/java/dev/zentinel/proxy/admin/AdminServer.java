package dev.zentinel.proxy.admin;

import dev.zentinel.proxy.config.HostPort;
import dev.zentinel.proxy.metrics.ProxyMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The admin HTTP endpoint: {@code GET /status} (the status JSON), {@code GET /metrics}
 * (Prometheus text format) and {@code GET /} (an index). It shares the proxy's event loops but
 * not its pipeline or limits: requests are small and aggregated, bodies are refused.
 *
 * <p>There is no authentication: bind it to loopback (the default) or a trusted network only.
 *
 * <p>{@code statusJson} and {@link ProxyMetrics#scrape()} run on an event loop of the given
 * group for every request: the supplier must be quick and must not block.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    /** Admin requests carry no body; this bounds what a client can make us buffer. */
    static final int MAX_REQUEST_BODY_BYTES = 1024;
    static final int MAX_INITIAL_LINE_BYTES = 4096;
    static final int MAX_HEADER_BYTES = 8192;
    /** Idle admin connections (e.g. a scraper's keep-alive) are closed after this many seconds. */
    static final int IDLE_SECONDS = 60;
    /** Bound on how long {@link #close()} waits for sockets to close. */
    static final int CLOSE_WAIT_SECONDS = 5;

    private final HostPort address;
    private final AdminHandler handler;
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> channelClass;
    private final ChannelGroup connections = new DefaultChannelGroup("zentinel-admin", GlobalEventExecutor.INSTANCE);
    private volatile Channel serverChannel;
    private volatile boolean closed;

    public AdminServer(HostPort address, Supplier<String> statusJson, ProxyMetrics metrics,
            EventLoopGroup group, Class<? extends ServerChannel> channelClass) {
        this.address = Objects.requireNonNull(address, "address");
        this.handler = new AdminHandler(Objects.requireNonNull(statusJson, "statusJson"),
                Objects.requireNonNull(metrics, "metrics"));
        this.group = Objects.requireNonNull(group, "group");
        this.channelClass = Objects.requireNonNull(channelClass, "channelClass");
    }

    /** Binds the admin address; completes with the bound address (useful with port 0) or the bind failure. */
    public CompletableFuture<InetSocketAddress> start() {
        CompletableFuture<InetSocketAddress> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new IllegalStateException("admin server is closed"));
            return result;
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channelClass)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ChannelPipeline p = ch.pipeline();
                        p.addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS));
                        p.addLast(new HttpServerCodec(MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES, 8192));
                        p.addLast(new HttpObjectAggregator(MAX_REQUEST_BODY_BYTES));
                        p.addLast(handler);
                    }
                });
        ChannelFuture bind = bootstrap.bind(address.toSocketAddress());
        bind.addListener(f -> {
            if (f.isSuccess()) {
                serverChannel = bind.channel();
                InetSocketAddress bound = (InetSocketAddress) bind.channel().localAddress();
                if (closed) {
                    bind.channel().close();
                    result.completeExceptionally(new IllegalStateException("admin server closed while binding"));
                    return;
                }
                LOG.info("Admin endpoint listening on {}", HostPort.of(bound));
                result.complete(bound);
            } else {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    /**
     * Stops listening and closes open admin connections, waiting a bounded time (not when
     * called on an event loop). The event loop group is not touched.
     */
    @Override
    public void close() {
        closed = true;
        Channel channel = serverChannel;
        if (channel != null && channel.eventLoop().inEventLoop()) {
            // Waiting here would deadlock the loop that has to do the closing.
            channel.close();
            connections.close();
            return;
        }
        if (channel != null) {
            channel.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        connections.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
