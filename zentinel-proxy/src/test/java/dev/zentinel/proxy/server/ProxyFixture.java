package dev.zentinel.proxy.server;

import dev.zentinel.proxy.accesslog.AccessLog;
import dev.zentinel.proxy.config.AccessLogConfig;
import dev.zentinel.proxy.config.ProxyConfig;
import dev.zentinel.proxy.metrics.ProxyMetrics;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** A started {@link ProxyServer} on ephemeral loopback ports, for tests. */
public final class ProxyFixture implements AutoCloseable {

    private final ProxyServer server;
    private final ProxyMetrics metrics;

    private ProxyFixture(ProxyServer server, ProxyMetrics metrics) {
        this.server = server;
        this.metrics = metrics;
    }

    public static ProxyFixture start(ProxyConfig config) throws Exception {
        return start(config, 2);
    }

    public static ProxyFixture start(ProxyConfig config, int threads) throws Exception {
        return start(config, threads, AccessLog.create(new AccessLogConfig(false, "-", 16)));
    }

    public static ProxyFixture start(ProxyConfig config, int threads, AccessLog accessLog) throws Exception {
        ProxyMetrics metrics = new ProxyMetrics();
        ProxyServer server = new ProxyServer(config, metrics, accessLog, Transport.detect(), threads);
        try {
            server.start(ListenerOpener.binding()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return new ProxyFixture(server, metrics);
    }

    public ProxyServer server() {
        return server;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** Port of the first (or only) listener. */
    public int port() {
        return port(server.listeners().keySet().iterator().next());
    }

    public int port(String listener) {
        return ((InetSocketAddress) server.listeners().get(listener).localAddress()).getPort();
    }

    public RawClient client() throws java.io.IOException {
        return new RawClient(port());
    }

    @Override
    public void close() {
        server.close();
    }
}
