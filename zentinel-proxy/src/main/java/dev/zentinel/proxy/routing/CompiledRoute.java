package dev.zentinel.proxy.routing;

import dev.zentinel.proxy.config.RouteConfig;
import dev.zentinel.proxy.config.RouteMatch;

import java.util.Locale;
import java.util.Map;

/**
 * One route with its match conditions turned into arrays and lower-cased strings once, so that
 * {@link #matches} only compares characters and allocates nothing.
 */
final class CompiledRoute {

    final RouteConfig config;
    /** Lower-case host without port; for a wildcard the suffix including its leading dot. Null: any host. */
    private final String host;
    private final boolean hostIsWildcard;
    private final String pathPrefix;
    private final boolean prefixMatchesAll;
    private final boolean prefixEndsWithSlash;
    private final String pathExact;
    private final String[] methods;
    private final String[] headerNames;
    private final String[] headerValues;

    CompiledRoute(RouteConfig config) {
        this.config = config;
        RouteMatch match = config.match();
        String h = match.host();
        if (h == null) {
            host = null;
            hostIsWildcard = false;
        } else if (h.startsWith("*.")) {
            host = h.substring(1).toLowerCase(Locale.ROOT);
            hostIsWildcard = true;
        } else {
            host = h.toLowerCase(Locale.ROOT);
            hostIsWildcard = false;
        }
        pathPrefix = match.pathPrefix();
        prefixMatchesAll = "/".equals(pathPrefix);
        prefixEndsWithSlash = pathPrefix != null && pathPrefix.endsWith("/");
        pathExact = match.pathExact();
        methods = match.methods().toArray(new String[0]);
        headerNames = new String[match.headers().size()];
        headerValues = new String[headerNames.length];
        int i = 0;
        for (Map.Entry<String, String> e : match.headers().entrySet()) {
            headerNames[i] = e.getKey().toLowerCase(Locale.ROOT);
            headerValues[i] = e.getValue();
            i++;
        }
    }

    /**
     * @param hostEnd the length of the host part of {@code hostHeader} (port and trailing dot
     *                already excluded by the caller), ignored when hostHeader is null
     */
    boolean matches(String method, String hostHeader, int hostEnd, String path, HeaderLookup headers) {
        return matchesHost(hostHeader, hostEnd)
                && matchesPath(path)
                && matchesMethod(method)
                && matchesHeaders(headers);
    }

    private boolean matchesHost(String hostHeader, int hostEnd) {
        if (host == null) {
            return true;
        }
        if (hostHeader == null) {
            return false;
        }
        if (hostIsWildcard) {
            // "*.example.com" needs at least one label before ".example.com".
            int start = hostEnd - host.length();
            return start > 0 && hostHeader.regionMatches(true, start, host, 0, host.length());
        }
        return hostEnd == host.length() && hostHeader.regionMatches(true, 0, host, 0, hostEnd);
    }

    private boolean matchesPath(String path) {
        if (pathExact != null) {
            return pathExact.equals(path);
        }
        if (pathPrefix == null || prefixMatchesAll) {
            return true;
        }
        if (path == null || !path.startsWith(pathPrefix)) {
            return false;
        }
        // "/v1" matches "/v1" and "/v1/x" but not "/v1x": the prefix must end on a segment boundary.
        return path.length() == pathPrefix.length() || prefixEndsWithSlash || path.charAt(pathPrefix.length()) == '/';
    }

    private boolean matchesMethod(String method) {
        if (methods.length == 0) {
            return true;
        }
        for (String m : methods) {
            if (m.equals(method)) {
                return true;
            }
        }
        return false;
    }

    private boolean matchesHeaders(HeaderLookup headers) {
        for (int i = 0; i < headerNames.length; i++) {
            if (!headerValues[i].equals(headers.get(headerNames[i]))) {
                return false;
            }
        }
        return true;
    }
}
