package dev.zentinel.app.lifecycle;

import dev.zentinel.proxy.accesslog.AccessLog;
import dev.zentinel.proxy.admin.AdminServer;
import dev.zentinel.proxy.config.ListenerConfig;
import dev.zentinel.proxy.config.ProxyConfig;
import dev.zentinel.proxy.metrics.ProxyMetrics;
import dev.zentinel.proxy.server.DrainResult;
import dev.zentinel.proxy.server.ProxyServer;
import dev.zentinel.proxy.server.WarmUpReport;
import dev.zentinel.proxy.server.Transport;
import dev.zentinel.proxy.upstream.Preconnected;
import io.netty.channel.ServerChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy side of this process: metrics, access log, the proxy server with its listeners and
 * the admin endpoint, started in that order and closed in reverse. Knows nothing of the control
 * socket, the runtime directory or signals.
 */
public final class ProxyInstance implements AutoCloseable {

    /** Time kept after the warm-up for opening listeners and the READY exchange. */
    static final Duration READY_RESERVE = Duration.ofSeconds(3);

    private static final Logger log = LoggerFactory.getLogger(ProxyInstance.class);

    private final ProxyConfig config;
    private final Transport transport;
    private final ProxyMetrics metrics;
    private final AccessLog accessLog;
    private final ProxyServer server;
    private volatile AdminServer admin;
    private volatile InetSocketAddress adminAddress;

    private ProxyInstance(ProxyConfig config, Transport transport, ProxyMetrics metrics, AccessLog accessLog,
            ProxyServer server) {
        this.config = config;
        this.transport = transport;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.server = server;
    }

    /** Builds the pieces; nothing listens yet. */
    public static ProxyInstance create(ProxyConfig config, Launch launch, int eventLoopThreads) {
        Transport transport = Transport.detect();
        ProxyMetrics metrics = new ProxyMetrics();
        metrics.importCounters(launch.inheritedCounters());
        AccessLog accessLog = AccessLog.create(config.accessLog());
        try {
            ProxyServer server = new ProxyServer(config, metrics, accessLog, transport, eventLoopThreads);
            return new ProxyInstance(config, transport, metrics, accessLog, server);
        } catch (RuntimeException e) {
            accessLog.close();
            throw e;
        }
    }

    /**
     * Drives requests through this instance's own pipeline so the JIT has compiled the hot path
     * before the first client connection is accepted. Blocks, bounded by the warm-up budget
     * (shortened to end {@code READY_RESERVE} before {@code readyBy}) plus {@code timeout}.
     */
    public void warmUp(Duration timeout, Optional<Instant> readyBy) throws Exception {
        warmUp(timeout, readyBy, new CompletableFuture<>());
    }

    /**
     * {@link #warmUp(Duration, Optional)}, ended early when {@code abort} completes (a stop asked
     * during start-up): the warm-up is then cancelled and this throws {@link CancellationException}.
     */
    public void warmUp(Duration timeout, Optional<Instant> readyBy, CompletableFuture<?> abort) throws Exception {
        Stopwatch warmUp = Stopwatch.start();
        Duration warmUpBudget = config.upgrade().warmupTimeout();
        if (readyBy.isPresent()) {
            Duration left = Duration.between(Instant.now(), readyBy.get()).minus(READY_RESERVE);
            if (left.compareTo(warmUpBudget) < 0) {
                warmUpBudget = left.isNegative() ? Duration.ZERO : left;
                log.info("warm-up budget cut to {} ms to be ready before the predecessor stops waiting",
                        warmUpBudget.toMillis());
            }
        }
        // The warm-up bounds itself by its budget; the extra wait only covers a warm-up that misbehaves.
        CompletableFuture<WarmUpReport> warming = server.warmUp(config.upgrade().warmupRequests(), warmUpBudget);
        CompletableFuture.anyOf(warming, abort).get(warmUpBudget.plus(timeout).toMillis(), TimeUnit.MILLISECONDS);
        if (!warming.isDone()) {
            warming.cancel(false);
            throw new CancellationException("stopped during the warm-up, after " + warmUp.millis() + " ms");
        }
        WarmUpReport report = warming.get();
        log.info("warm-up done in {} ms: {}", warmUp.millis(), report);
    }

    /** Opens the listeners (bound or adopted, as {@code launch} says). Blocks, bounded by {@code timeout}. */
    public void openListeners(Launch launch, Duration timeout) throws Exception {
        Stopwatch listeners = Stopwatch.start();
        server.start(launch.listenerOpener()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        log.info("listeners open in {} ms ({} transport): {}", listeners.millis(), transport.name(),
                listenerAddresses());
    }

    /**
     * Starts the admin endpoint if configured. A successor calls this only after its predecessor
     * stopped accepting, since until then the predecessor holds the admin port.
     */
    public void startAdmin(Supplier<String> statusJson, Duration timeout) throws Exception {
        if (config.admin().enabled()) {
            AdminServer adminServer = new AdminServer(config.admin().address(), statusJson, metrics,
                    server.eventLoopGroup(), transport.serverChannelClass());
            admin = adminServer;
            adminAddress = adminServer.start().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Releases the admin port (for a successor); idempotent. */
    public void stopAdmin() {
        AdminServer adminServer = admin;
        admin = null;
        if (adminServer != null) {
            adminServer.close();
        }
    }

    /** Closes the listening sockets (this process's copies); open connections continue. */
    public void stopAccepting() {
        server.stopAccepting();
    }

    /** Waits, at most {@code timeout}, for open connections to finish; then closes the rest. */
    public CompletableFuture<DrainResult> drain(Duration timeout) {
        return drain(timeout, Duration.ZERO);
    }

    /** {@link #drain(Duration)}, telling the open connections to close one after another over {@code spread}. */
    public CompletableFuture<DrainResult> drain(Duration timeout, Duration spread) {
        return server.drain(timeout, config.upgrade().drainIdleQuiet(), spread);
    }

    /**
     * Opens upgrade.preconnect-per-target connections to every upstream target on every event loop
     * before this instance accepts, waiting at most {@code bound}: a successor's first requests then
     * find warm pools. A failure or a slow origin is only logged; requests connect as usual then.
     */
    public void preconnectUpstreams(Duration bound) throws InterruptedException {
        int perTarget = config.upgrade().preconnectPerTarget();
        if (perTarget <= 0 || config.upstreams().isEmpty()) {
            return;
        }
        Stopwatch preconnect = Stopwatch.start();
        try {
            Preconnected result = server.preconnectUpstreams(perTarget).get(bound.toMillis(), TimeUnit.MILLISECONDS);
            if (result.failed() > 0) {
                log.warn("pre-connected {} upstream connection(s) in {} ms; {} attempt(s) failed (requests will connect"
                        + " as usual)", result.opened(), preconnect.millis(), result.failed());
            } else {
                log.info("pre-connected {} upstream connection(s) in {} ms", result.opened(), preconnect.millis());
            }
        } catch (TimeoutException e) {
            log.warn("pre-connecting upstreams did not finish within {} ms; going on", bound.toMillis());
        } catch (ExecutionException e) {
            log.warn("pre-connecting upstreams failed: {}; going on", e.getCause().toString());
        }
    }

    /**
     * Open listeners in config order: name to the address actually listened on (the real port
     * when configured with 0). Empty once the instance stopped accepting.
     */
    public Map<String, String> listenerAddresses() {
        Map<String, ServerChannel> open = server.listeners();
        Map<String, String> addresses = new LinkedHashMap<>();
        for (ListenerConfig listener : config.listeners()) {
            ServerChannel channel = open.get(listener.name());
            if (channel != null) {
                addresses.put(listener.name(), format(channel.localAddress()));
            }
        }
        return addresses;
    }

    public Map<String, ServerChannel> listeners() {
        return server.listeners();
    }

    public long activeConnections() {
        return server.activeConnections();
    }

    public Map<String, ? extends Number> activeConnectionsByListener() {
        return server.activeConnectionsByListener();
    }

    public Optional<InetSocketAddress> adminAddress() {
        return Optional.ofNullable(adminAddress);
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    public long accessLogDropped() {
        return accessLog.dropped();
    }

    public String transportName() {
        return transport.name();
    }

    /** Closes the admin endpoint, every connection and listener, the event loops, then flushes the access log. */
    @Override
    public void close() {
        stopAdmin();
        try {
            server.close();
        } finally {
            if (!accessLog.close(AccessLog.DEFAULT_CLOSE_TIMEOUT)) {
                log.warn("access log not fully flushed within {} ms", AccessLog.DEFAULT_CLOSE_TIMEOUT.toMillis());
            }
        }
    }

    static String format(java.net.SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
