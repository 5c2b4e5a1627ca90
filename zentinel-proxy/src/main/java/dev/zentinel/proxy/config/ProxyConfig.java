package dev.zentinel.proxy.config;

import java.util.List;

/**
 * The whole validated configuration. Immutable; produced only by {@link ConfigLoader}, consumed
 * by the runtime model builders. Every field is non-null (defaults are filled in by the loader).
 */
public record ProxyConfig(
        List<ListenerConfig> listeners,
        List<UpstreamConfig> upstreams,
        List<RouteConfig> routes,
        LimitsConfig limits,
        AdminConfig admin,
        RuntimeConfig runtime,
        AccessLogConfig accessLog,
        UpgradeConfig upgrade) {

    public ProxyConfig {
        listeners = List.copyOf(listeners);
        upstreams = List.copyOf(upstreams);
        routes = List.copyOf(routes);
    }
}
