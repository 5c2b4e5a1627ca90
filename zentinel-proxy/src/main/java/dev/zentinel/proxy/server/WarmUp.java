package dev.zentinel.proxy.server;

import dev.zentinel.proxy.config.HostPort;
import dev.zentinel.proxy.config.LimitsConfig;
import dev.zentinel.proxy.config.LoadBalancing;
import dev.zentinel.proxy.config.RespondConfig;
import dev.zentinel.proxy.config.RouteConfig;
import dev.zentinel.proxy.config.RouteMatch;
import dev.zentinel.proxy.config.UpstreamConfig;
import dev.zentinel.proxy.http.ProxyContext;
import dev.zentinel.proxy.metrics.ProxyMetrics;
import dev.zentinel.proxy.upstream.Upstreams;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

/**
 * Warms the JIT up on the real request path before a process takes traffic: an in-process
 * origin, an ephemeral loopback listener set up like a configured one (the same
 * {@link ClientChannelInitializer} and pipeline, with its own routes, gate, connection registry
 * and throw-away metrics, no access log: real traffic then meets call sites whose types the
 * warm-up has already seen) and a few keep-alive client connections that send a mix of
 * proxied GET/HEAD/POST requests and respond-route requests, each one closing and reopening its
 * connection now and then so that accepting and setting up connections is compiled too. It
 * drives the requested number of requests, then stops sending and waits until the JIT compilers
 * have finished what those requests gave them to do ({@link JitSettling}): bounded by work, not
 * by wall time, which a niced successor on a busy core has little of. Everything it opened is
 * closed when it finishes, fails, or runs out of budget.
 */
final class WarmUp {

    static final int CLIENT_CONNECTIONS = 4;
    static final String LISTENER_NAME = "warmup";

    private final EventLoopGroup group;
    private final Transport transport;
    private final LimitsConfig limits;
    private final WarmUpRequests requests = new WarmUpRequests();
    private final WarmUpOrigin.Responses responses = new WarmUpOrigin.Responses();
    private final ConcurrentLinkedQueue<Channel> opened = new ConcurrentLinkedQueue<>();
    /** The proxy side's client connections, as a listener's registry holds them. */
    private final ConnectionRegistry proxied = new ConnectionRegistry();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final CompletableFuture<WarmUpReport> done = new CompletableFuture<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final CompilerActivity compilers;
    /** The requests to drive; once they are done the clients stop sending. */
    private volatile int target;
    /** When the last request was answered (System.nanoTime), once it was. */
    private volatile long drivenAtNanos;
    private volatile ScheduledFuture<?> settleSampler;
    private volatile InetSocketAddress proxyAddress;
    private volatile Upstreams upstreams;

    WarmUp(EventLoopGroup group, Transport transport, LimitsConfig limits) {
        this.group = group;
        this.transport = transport;
        this.limits = limits;
        this.compilers = CompilerActivity.ofThisProcess();
    }

    CompletableFuture<WarmUpReport> run(int requests, Duration budget) {
        if (requests <= 0) {
            return CompletableFuture.completedFuture(WarmUpReport.skipped("disabled"));
        }
        if (budget.isNegative() || budget.isZero()) {
            return CompletableFuture.completedFuture(WarmUpReport.skipped("no time left"));
        }
        // Cancelling the returned future (a stop during start-up) ends the warm-up and closes what it opened.
        done.whenComplete((report, error) -> {
            if (done.isCancelled()) {
                finish(null, "cancelled");
            }
        });
        target = requests;
        group.next().schedule(() -> finish(null, "time budget"), Math.max(1, budget.toMillis()), TimeUnit.MILLISECONDS);
        bind(new ServerBootstrap().childOption(ChannelOption.TCP_NODELAY, true).childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                track(ch);
                ch.pipeline().addLast(new WarmUpOrigin(responses));
            }
        })).addListener(f -> {
            if (!f.isSuccess()) {
                finish(f.cause(), null);
                return;
            }
            startProxy((InetSocketAddress) ((ChannelFuture) f).channel().localAddress());
        });
        return done;
    }

    private void startProxy(InetSocketAddress origin) {
        UpstreamConfig upstream = new UpstreamConfig("warmup-origin", List.of(new HostPort("127.0.0.1", origin.getPort())),
                LoadBalancing.ROUND_ROBIN, Duration.ofSeconds(2), Duration.ofSeconds(10), 16, Duration.ofSeconds(10));
        List<RouteConfig> routes = List.of(
                new RouteConfig("warmup-proxy", 1, new RouteMatch(null, "/proxy", null, List.of(), Map.of()), "warmup-origin", null),
                new RouteConfig("warmup-respond", 0, new RouteMatch(null, "/", null, List.of(), Map.of()), null,
                        new RespondConfig(200, "ok\n", Map.of())));
        upstreams = new Upstreams(List.of(upstream), transport.channelClass());
        ProxyMetrics metrics = new ProxyMetrics();
        ProxyContext context = new ProxyContext(routes, upstreams, limits, metrics, null);
        bind(new ServerBootstrap()
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ClientChannelInitializer(new ListenerGate(LISTENER_NAME, Integer.MAX_VALUE), context,
                        metrics, proxied))).addListener(f -> {
                    if (!f.isSuccess()) {
                        finish(f.cause(), null);
                        return;
                    }
                    proxyAddress = (InetSocketAddress) ((ChannelFuture) f).channel().localAddress();
                    for (int i = 0; i < CLIENT_CONNECTIONS; i++) {
                        startClient();
                    }
                });
    }

    private ChannelFuture bind(ServerBootstrap bootstrap) {
        ChannelFuture f = bootstrap.group(group).channel(transport.serverChannelClass())
                .bind(new InetSocketAddress("127.0.0.1", 0));
        track(f.channel());
        return f;
    }

    private void startClient() {
        connections.incrementAndGet();
        ChannelFuture f = new Bootstrap().group(group).channel(transport.channelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Client());
                    }
                })
                .connect(proxyAddress);
        track(f.channel());
        f.addListener(c -> {
            if (!c.isSuccess()) {
                finish(c.cause(), null);
            }
        });
    }

    /** Channels (listeners, clients, proxied connections) the warm-up has open right now. */
    int openChannels() {
        return opened.size() + proxied.size();
    }

    /** The warm-up's proxy-side connections open right now, admitted by its {@link ClientChannelInitializer}. */
    int proxiedConnections() {
        return proxied.size();
    }

    /** Remembers a channel until it closes, so that finishing closes whatever is still open. */
    private void track(Channel channel) {
        opened.add(channel);
        channel.closeFuture().addListener(f -> opened.remove(channel));
    }

    /**
     * Counts a completed request; returns whether the clients are to stop sending (the requests
     * are done; the one that completes them starts the wait for the compilers).
     */
    private boolean completedOne() {
        int n = completed.incrementAndGet();
        if (n == target) {
            drivenAtNanos = System.nanoTime();
            awaitCompilers();
        }
        return n >= target;
    }

    /** Whether requests are still to be sent. */
    private boolean driving() {
        return completed.get() < target;
    }

    /** Samples the compiler threads until they are quiet, then ends the warm-up (the time budget still bounds it). */
    private void awaitCompilers() {
        JitSettling settling = new JitSettling();
        Supplier<CompilerActivity.Sample> sampler = compilerSampler();
        settling.sample(sampler.get(), System.nanoTime());
        settleSampler = group.next().scheduleAtFixedRate(() -> {
            if (settling.sample(sampler.get(), System.nanoTime())) {
                finish(null, "JIT settled");
            }
        }, JitSettling.SAMPLE_MILLIS, JitSettling.SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
        if (finished.get()) {
            settleSampler.cancel(false);
        }
    }

    /**
     * The compiler threads as /proc shows them; without /proc, HotSpot's own compilation time
     * (wall time, so a busy machine makes the wait longer, never shorter).
     */
    private Supplier<CompilerActivity.Sample> compilerSampler() {
        if (compilers.available()) {
            return compilers::sample;
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return () -> new CompilerActivity.Sample(0, false);
        }
        return () -> new CompilerActivity.Sample(TimeUnit.MILLISECONDS.toNanos(jit.getTotalCompilationTime()), false);
    }

    private void finish(Throwable error, String endedBy) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> sampler = settleSampler;
        if (sampler != null) {
            sampler.cancel(false);
        }
        opened.forEach(Channel::close);
        proxied.closeAll();
        Upstreams pooled = upstreams;
        if (pooled != null) {
            pooled.closeIdle();
        }
        if (error != null) {
            done.completeExceptionally(error);
        } else {
            long drivenAt = drivenAtNanos;
            long settleMillis = drivenAt == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drivenAt);
            done.complete(new WarmUpReport(completed.get(), connections.get(), endedBy, settleMillis));
        }
    }

    /**
     * A keep-alive client sending the request mix ({@link WarmUpRequests}), one request at a time;
     * its last request on a connection asks for Connection: close, and a new client takes over
     * once the proxy closed it. It finds each response's end from its head alone
     * ({@link RawMessageReader}).
     */
    private final class Client extends ChannelInboundHandlerAdapter {

        private final RawMessageReader responses = new RawMessageReader(RawMessageReader.DEFAULT_MAX_HEAD_BYTES,
                this::responseBody);
        private int sent;
        private boolean closeRequested;
        private boolean awaitingHeadResponse;
        private boolean over;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            sendNext(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                responses.read(in, head -> answered(ctx));
            } finally {
                in.release();
            }
        }

        private void answered(ChannelHandlerContext ctx) {
            if (!over && !(over = completedOne()) && !closeRequested) {
                sendNext(ctx);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (finished.get()) {
                return;
            }
            // A response that was to end with the connection has ended now.
            boolean clean = responses.closed(head -> answered(ctx));
            if (finished.get()) {
                return;
            }
            if (closeRequested && clean) {
                if (driving()) {
                    startClient();
                }
            } else {
                finish(new IllegalStateException("warm-up connection closed unexpectedly"), null);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(cause, null);
        }

        private void sendNext(ChannelHandlerContext ctx) {
            int index = sent++;
            byte[] request = requests.bytes(index);
            awaitingHeadResponse = requests.isHead(index);
            if (WarmUpRequests.closes(index)) {
                closeRequested = true;
            }
            ctx.writeAndFlush(ctx.alloc().directBuffer(request.length).writeBytes(request), ctx.voidPromise());
        }

        /** A response's body: none to a HEAD or for 204/304, else its Content-Length, else until the close. */
        private long responseBody(RawMessageReader.Head head) {
            if (head.status() < 200) {
                throw new IllegalStateException("warm-up client: unexpected interim response " + head.status());
            }
            if (awaitingHeadResponse || head.status() == 204 || head.status() == 304) {
                return 0;
            }
            if (head.transferEncoding()) {
                throw new IllegalStateException("warm-up client: a response with Transfer-Encoding was not expected");
            }
            return head.contentLength() >= 0 ? head.contentLength() : RawMessageReader.UNTIL_CLOSE;
        }
    }
}
