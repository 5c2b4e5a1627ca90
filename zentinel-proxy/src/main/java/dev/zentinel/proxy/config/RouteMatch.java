package dev.zentinel.proxy.config;

import java.util.List;
import java.util.Map;

/**
 * Conditions a request must all meet. A null host, pathPrefix or pathExact, or an empty
 * methods list or headers map, means "any". Host matches case-insensitively without port;
 * a leading "*." matches any subdomain. Header values match exactly (names case-insensitively).
 */
public record RouteMatch(String host, String pathPrefix, String pathExact, List<String> methods, Map<String, String> headers) {

    public RouteMatch {
        methods = List.copyOf(methods);
        headers = Map.copyOf(headers);
    }
}
