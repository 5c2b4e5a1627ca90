package dev.zentinel.proxy.routing;

import dev.zentinel.proxy.config.RouteConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Chooses the route for a request. Routes are tried in order of priority (highest first), and
 * among equal priorities in the order they were listed; the first whose conditions all hold
 * wins. Immutable and thread-safe: one instance is shared by all event loops.
 *
 * <p>The scan is linear. Each step compares a few characters and allocates nothing, which
 * stays cheap into the hundreds of routes; the {@link Optional}s are created once here.
 */
public final class Router {

    private final CompiledRoute[] routes;
    private final Optional<RouteConfig>[] results;

    @SuppressWarnings("unchecked")
    public Router(List<RouteConfig> routes) {
        Objects.requireNonNull(routes, "routes");
        List<RouteConfig> ordered = new ArrayList<>(routes);
        // List.sort is stable, so equal priorities keep their listing order.
        ordered.sort(Comparator.comparingInt(RouteConfig::priority).reversed());
        this.routes = new CompiledRoute[ordered.size()];
        this.results = new Optional[ordered.size()];
        for (int i = 0; i < ordered.size(); i++) {
            this.routes[i] = new CompiledRoute(ordered.get(i));
            this.results[i] = Optional.of(ordered.get(i));
        }
    }

    /**
     * @param method  the request method as sent (methods are case-sensitive)
     * @param host    the Host header (or the authority of an absolute-form target), possibly with
     *                ":port"; null when the request has none
     * @param path    the path of the request target without the query
     * @param headers the request headers
     * @return the winning route, or empty when none matches (the caller answers 404)
     */
    public Optional<RouteConfig> match(String method, String host, String path, HeaderLookup headers) {
        int hostEnd = host == null ? 0 : hostEnd(host);
        HeaderLookup lookup = headers == null ? HeaderLookup.NONE : headers;
        for (int i = 0; i < routes.length; i++) {
            if (routes[i].matches(method, host, hostEnd, path, lookup)) {
                return results[i];
            }
        }
        return Optional.empty();
    }

    /** The routes in the order they are tried. */
    public List<RouteConfig> routes() {
        List<RouteConfig> list = new ArrayList<>(routes.length);
        for (CompiledRoute r : routes) {
            list.add(r.config);
        }
        return List.copyOf(list);
    }

    /** Length of the host part: without ":port" (IPv6 literals keep their brackets) and a trailing dot. */
    static int hostEnd(String host) {
        int end = host.length();
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && host.indexOf(']') < colon && (host.charAt(0) == '[' || host.indexOf(':') == colon)) {
            end = colon;
        }
        if (end > 0 && host.charAt(end - 1) == '.') {
            end--;
        }
        return end;
    }
}
