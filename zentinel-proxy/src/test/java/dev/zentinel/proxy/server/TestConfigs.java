package dev.zentinel.proxy.server;

import dev.zentinel.proxy.config.AccessLogConfig;
import dev.zentinel.proxy.config.AdminConfig;
import dev.zentinel.proxy.config.HostPort;
import dev.zentinel.proxy.config.LimitsConfig;
import dev.zentinel.proxy.config.ListenerConfig;
import dev.zentinel.proxy.config.LoadBalancing;
import dev.zentinel.proxy.config.ProxyConfig;
import dev.zentinel.proxy.config.RespondConfig;
import dev.zentinel.proxy.config.RouteConfig;
import dev.zentinel.proxy.config.RouteMatch;
import dev.zentinel.proxy.config.RuntimeConfig;
import dev.zentinel.proxy.config.UpgradeConfig;
import dev.zentinel.proxy.config.UpstreamConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds ProxyConfig values for tests without YAML. */
public final class TestConfigs {

    private final List<ListenerConfig> listeners = new ArrayList<>();
    private final List<UpstreamConfig> upstreams = new ArrayList<>();
    private final List<RouteConfig> routes = new ArrayList<>();
    private LimitsConfig limits = LimitsConfig.defaults();
    private boolean accessLog;

    public static TestConfigs builder() {
        return new TestConfigs();
    }

    public TestConfigs listener(String name, int port, int maxConnections) {
        listeners.add(new ListenerConfig(name, new HostPort("127.0.0.1", port), maxConnections, ListenerConfig.DEFAULT_BACKLOG));
        return this;
    }

    public TestConfigs listener(String name) {
        return listener(name, 0, ListenerConfig.DEFAULT_MAX_CONNECTIONS);
    }

    public TestConfigs upstream(String name, LoadBalancing lb, Duration connectTimeout, Duration readTimeout, int... ports) {
        List<HostPort> targets = new ArrayList<>();
        for (int port : ports) {
            targets.add(new HostPort("127.0.0.1", port));
        }
        upstreams.add(new UpstreamConfig(name, targets, lb, connectTimeout, readTimeout,
                UpstreamConfig.DEFAULT_MAX_IDLE_PER_TARGET, UpstreamConfig.DEFAULT_IDLE_TIMEOUT));
        return this;
    }

    public TestConfigs upstream(String name, int... ports) {
        return upstream(name, LoadBalancing.ROUND_ROBIN, Duration.ofSeconds(2), Duration.ofSeconds(30), ports);
    }

    public TestConfigs upstream(UpstreamConfig config) {
        upstreams.add(config);
        return this;
    }

    public TestConfigs proxyRoute(String name, String pathPrefix, String upstream) {
        routes.add(new RouteConfig(name, 0, new RouteMatch(null, pathPrefix, null, List.of(), Map.of()), upstream, null));
        return this;
    }

    public TestConfigs respondRoute(String name, String pathPrefix, int status, String body) {
        routes.add(new RouteConfig(name, 0, new RouteMatch(null, pathPrefix, null, List.of(), Map.of()), null,
                new RespondConfig(status, body, Map.of())));
        return this;
    }

    public TestConfigs route(RouteConfig route) {
        routes.add(route);
        return this;
    }

    public TestConfigs limits(LimitsConfig limits) {
        this.limits = limits;
        return this;
    }

    public TestConfigs accessLog(boolean enabled) {
        this.accessLog = enabled;
        return this;
    }

    public ProxyConfig build() {
        return new ProxyConfig(listeners, upstreams, routes, limits,
                new AdminConfig(false, AdminConfig.DEFAULT_ADDRESS),
                new RuntimeConfig(Path.of(System.getProperty("java.io.tmpdir"), "zentinel-test")),
                new AccessLogConfig(accessLog, "-", 1024), UpgradeConfig.defaults());
    }
}
