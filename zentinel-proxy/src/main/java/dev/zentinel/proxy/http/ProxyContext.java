package dev.zentinel.proxy.http;

import dev.zentinel.proxy.accesslog.AccessLog;
import dev.zentinel.proxy.config.LimitsConfig;
import dev.zentinel.proxy.config.RouteConfig;
import dev.zentinel.proxy.metrics.ProxyMetrics;
import dev.zentinel.proxy.routing.Router;
import dev.zentinel.proxy.upstream.UpstreamGroup;
import dev.zentinel.proxy.upstream.Upstreams;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a client connection needs to serve requests, built once from configuration and
 * shared (read-only) by all connections and event loops.
 */
public final class ProxyContext {

    /**
     * The route of requests that matched no route or were rejected before routing: null, which
     * metrics export as {@link dev.zentinel.proxy.metrics.ProxyMetrics#NO_LABEL} (a label no route
     * name can have: names start with a letter or digit) and the access log writes as JSON null.
     * A string such as "none" would merge those requests with a route an operator named so.
     */
    static final String NO_ROUTE = null;

    private final Router router;
    private final Map<String, RouteAction> actions;
    private final Upstreams upstreams;
    private final LimitsConfig limits;
    private final ProxyMetrics metrics;
    private final AccessLog accessLog;
    private final boolean accessLogEnabled;
    private final ProxyMetrics.RouteRecorder noRouteMetrics;
    private final ErrorResponses errors = new ErrorResponses();

    /**
     * @param accessLog where request records go; null or a disabled log skips building them at all
     */
    public ProxyContext(List<RouteConfig> routes, Upstreams upstreams, LimitsConfig limits,
                        ProxyMetrics metrics, AccessLog accessLog) {
        this.router = new Router(routes);
        this.upstreams = upstreams;
        this.limits = limits;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.accessLogEnabled = accessLog != null && accessLog.enabled();
        Map<String, RouteAction> byName = new HashMap<>();
        for (RouteConfig route : routes) {
            byName.put(route.name(), actionFor(route, upstreams, metrics.route(route.name())));
        }
        this.actions = Map.copyOf(byName);
        this.noRouteMetrics = metrics.route(NO_ROUTE);
    }

    private static RouteAction actionFor(RouteConfig route, Upstreams upstreams, ProxyMetrics.RouteRecorder recorder) {
        if (route.respond() != null) {
            return new RouteAction.Respond(route.name(), recorder,
                    new FixedResponse(route.respond().status(), route.respond().body(), route.respond().headers()));
        }
        UpstreamGroup group = upstreams.group(route.upstream());
        if (group == null) {
            throw new IllegalArgumentException("route '" + route.name() + "' names unknown upstream '" + route.upstream() + "'");
        }
        return new RouteAction.Forward(route.name(), recorder, group);
    }

    Router router() {
        return router;
    }

    RouteAction action(String routeName) {
        return actions.get(routeName);
    }

    public Upstreams upstreams() {
        return upstreams;
    }

    public LimitsConfig limits() {
        return limits;
    }

    ProxyMetrics metrics() {
        return metrics;
    }

    /** Where requests are counted that matched no route or were rejected before routing. */
    ProxyMetrics.RouteRecorder noRouteMetrics() {
        return noRouteMetrics;
    }

    AccessLog accessLog() {
        return accessLog;
    }

    boolean accessLogEnabled() {
        return accessLogEnabled;
    }

    ErrorResponses errors() {
        return errors;
    }
}
