package dev.zentinel.proxy.server;

import dev.zentinel.proxy.config.RespondConfig;
import dev.zentinel.proxy.config.RouteConfig;
import dev.zentinel.proxy.config.RouteMatch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The routing table the warm-up runs on, and one request for each configured route.
 *
 * <p>Why the configured routes: C2 compiles with the branch and type profiles the warm-up
 * produced. With a routing table of its own, real traffic then took branches the warm-up never
 * had (another route count, other matchers, other outcomes) and the successor deoptimised and
 * recompiled its hot path right after READY, on the core that serves (measured: ~190 methods
 * made not entrant and 1-2 s of C2 in the 10 s after READY; docs/benchmark.md). So the warm-up
 * routes on the configured table, with every upstream swapped for its in-process origin (it must
 * never send to a real upstream), and sends a request that matches each configured route. Its
 * own two routes (a proxied prefix and a catch-all fixed response) come last, below every
 * configured route, so that its basic request mix is still served when no configured route
 * would take it.
 */
final class WarmUpRoutes {

    static final String ORIGIN_UPSTREAM = "zentinel-warmup-origin";
    static final String PROXY_PREFIX = "/zentinel-warmup-proxy";
    /** Host sent when a route does not ask for one (a wildcard route gets a name under its domain). */
    static final String DEFAULT_HOST = "warmup.local";
    /** Methods the warm-up sends as they are configured; a route asking only for others gets GET (and will not match). */
    private static final Set<String> SENDABLE_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");

    /** One request of the warm-up's mix. */
    record Sample(String method, String uri, String host, Map<String, String> headers, boolean withBody) {
    }

    private final List<RouteConfig> table;
    private final List<Sample> configuredSamples;
    private final String proxyRoute;
    private final String respondRoute;

    WarmUpRoutes(List<RouteConfig> configured) {
        Set<String> names = new HashSet<>();
        int lowest = 0;
        List<RouteConfig> routes = new ArrayList<>(configured.size() + 2);
        List<Sample> samples = new ArrayList<>(configured.size());
        for (RouteConfig route : configured) {
            names.add(route.name());
            lowest = Math.min(lowest, route.priority());
            routes.add(route.respond() != null ? route
                    : new RouteConfig(route.name(), route.priority(), route.match(), ORIGIN_UPSTREAM, null));
            samples.add(sampleFor(route.match()));
        }
        this.proxyRoute = unused("zentinel-warmup-proxy", names);
        this.respondRoute = unused("zentinel-warmup-respond", names);
        // Equal priority and listed later means tried later (the router's sort is stable).
        routes.add(new RouteConfig(proxyRoute, lowest, new RouteMatch(null, PROXY_PREFIX, null, List.of(), Map.of()),
                ORIGIN_UPSTREAM, null));
        routes.add(new RouteConfig(respondRoute, lowest, new RouteMatch(null, "/", null, List.of(), Map.of()), null,
                new RespondConfig(200, "ok\n", Map.of())));
        this.table = List.copyOf(routes);
        this.configuredSamples = List.copyOf(samples);
    }

    /** The configured routes (upstreams swapped for the warm-up origin), then the warm-up's own two. */
    List<RouteConfig> table() {
        return table;
    }

    /** One request per configured route, in configuration order, that the route matches (if no higher route takes it). */
    List<Sample> configuredSamples() {
        return configuredSamples;
    }

    String proxyRouteName() {
        return proxyRoute;
    }

    String respondRouteName() {
        return respondRoute;
    }

    static Sample sampleFor(RouteMatch match) {
        String method = "GET";
        if (!match.methods().isEmpty()) {
            method = match.methods().stream().filter(SENDABLE_METHODS::contains).findFirst().orElse("GET");
        }
        String path = match.pathExact() != null ? match.pathExact()
                : match.pathPrefix() != null ? match.pathPrefix() : "/";
        String host = match.host() == null ? DEFAULT_HOST
                : match.host().startsWith("*.") ? "warmup" + match.host().substring(1) : match.host();
        boolean withBody = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        return new Sample(method, path, host, match.headers(), withBody);
    }

    private static String unused(String name, Set<String> taken) {
        String candidate = name;
        for (int i = 2; taken.contains(candidate); i++) {
            candidate = name + "-" + i;
        }
        taken.add(candidate);
        return candidate;
    }
}
