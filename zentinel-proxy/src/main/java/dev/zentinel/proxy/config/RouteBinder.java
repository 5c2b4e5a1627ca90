package dev.zentinel.proxy.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Binds the {@code routes} section: names, priorities, match conditions, upstream references, fixed responses. */
final class RouteBinder {

    static final int MAX_PRIORITY = 1_000_000;
    static final int MAX_RESPOND_BODY_CHARS = 1024 * 1024;

    /** RFC 9110 token: methods and header names. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\\.?");
    /** Framing and connection headers the proxy sets itself; a fixed response must not override them. */
    private static final Set<String> RESERVED_RESPONSE_HEADERS =
            Set.of("content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "trailer");

    private static final Set<String> ROUTE_KEYS = BinderSupport.keys("name", "priority", "match", "upstream", "respond");
    private static final Set<String> MATCH_KEYS = BinderSupport.keys("host", "path-prefix", "path-exact", "methods", "headers");
    private static final Set<String> RESPOND_KEYS = BinderSupport.keys("status", "body", "headers");

    private final Problems problems;

    RouteBinder(Problems problems) {
        this.problems = problems;
    }

    List<RouteConfig> routes(MappingReader root, Set<String> upstreamNames) {
        List<YamlNode> items = root.list("routes");
        if (items == null) {
            return List.of();
        }
        Set<String> declaredUpstreams = declaredUpstreamNames(root);
        List<RouteConfig> result = new ArrayList<>();
        Map<String, YamlNode.Location> names = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            MappingReader r = MappingReader.of(items.get(i), "routes[" + i + "]", problems, ROUTE_KEYS);
            if (r == null) {
                continue;
            }
            String name = BinderSupport.name(r, names, "route");
            int priority = r.intValue("priority", 0, -MAX_PRIORITY, MAX_PRIORITY);
            RouteMatch match = r.has("match") ? match(r) : new RouteMatch(null, null, null, List.of(), Map.of());
            String upstream = null;
            RespondConfig respond = null;
            boolean hasUpstream = r.has("upstream");
            boolean hasRespond = r.has("respond");
            if (hasUpstream == hasRespond) {
                problems.add(r.location(), r.path(), hasUpstream
                        ? "a route has either 'upstream' or 'respond', not both"
                        : "a route needs 'upstream' (proxy to an upstream) or 'respond' (fixed response)");
            } else if (hasUpstream) {
                upstream = r.string("upstream");
                // Only report a dangling reference when the upstream is not declared at all;
                // a declared but invalid upstream already has its own problem.
                if (upstream != null && !upstreamNames.contains(upstream) && !declaredUpstreams.contains(upstream)) {
                    r.problem("upstream", "no upstream named '" + upstream + "'"
                            + (upstreamNames.isEmpty() ? "" : " (defined: " + String.join(", ", upstreamNames) + ")"));
                }
            } else {
                respond = respond(r);
            }
            if (name != null && match != null && (upstream != null || respond != null)) {
                result.add(new RouteConfig(name, priority, match, upstream, respond));
            }
        }
        return result;
    }

    private Set<String> declaredUpstreamNames(MappingReader root) {
        Set<String> names = new LinkedHashSet<>();
        YamlNode node = root.node("upstreams");
        if (node instanceof YamlNode.Sequence) {
            for (YamlNode item : ((YamlNode.Sequence) node).items()) {
                if (item instanceof YamlNode.Mapping) {
                    YamlNode name = ((YamlNode.Mapping) item).get("name");
                    if (name instanceof YamlNode.Scalar && ((YamlNode.Scalar) name).text != null) {
                        names.add(((YamlNode.Scalar) name).text);
                    }
                }
            }
        }
        return names;
    }

    private RouteMatch match(MappingReader route) {
        MappingReader m = MappingReader.of(route.node("match"), route.path("match"), problems, MATCH_KEYS);
        if (m == null) {
            return null;
        }
        String host = m.string("host");
        if (host != null) {
            host = matchHost(m, host);
        }
        String prefix = path(m, "path-prefix");
        String exact = path(m, "path-exact");
        if (prefix != null && exact != null) {
            problems.add(m.location(), m.path(), "use either 'path-prefix' or 'path-exact', not both");
        }
        List<String> methods = new ArrayList<>();
        for (String method : m.stringList("methods")) {
            if (!TOKEN.matcher(method).matches()) {
                m.problem("methods", "'" + method + "' is not a valid HTTP method");
            } else if (!method.equals(method.toUpperCase(Locale.ROOT))) {
                // Methods are case-sensitive; "get" would silently never match.
                m.problem("methods", "method '" + method + "' must be upper case ('" + method.toUpperCase(Locale.ROOT) + "')");
            } else if (!methods.contains(method)) {
                methods.add(method);
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (YamlNode.Entry e : m.stringMap("headers")) {
            String headerName = e.key();
            if (!TOKEN.matcher(headerName).matches()) {
                problems.add(e.keyLocation(), m.path("headers"), "'" + headerName + "' is not a valid header name");
                continue;
            }
            if (headers.putIfAbsent(headerName.toLowerCase(Locale.ROOT), ((YamlNode.Scalar) e.value()).text) != null) {
                problems.add(e.keyLocation(), m.path("headers"),
                        "header '" + headerName + "' is listed twice (names are case-insensitive)");
            }
        }
        return new RouteMatch(host, prefix, exact, methods, headers);
    }

    private String matchHost(MappingReader m, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        String bare = h.startsWith("*.") ? h.substring(2) : h;
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
            bare = bare.substring(0, bare.length() - 1);
        }
        if (bare.indexOf(':') >= 0 && !bare.startsWith("[")) {
            m.problem("host", "write the host without a port ('" + host + "'); the port is ignored when matching");
            return null;
        }
        boolean ipv6 = bare.startsWith("[") && bare.endsWith("]") && !h.startsWith("*.");
        if (!ipv6 && (bare.isEmpty() || !HOST_NAME.matcher(bare).matches())) {
            m.problem("host", "'" + host + "' is not a host name (a leading '*.' matches any subdomain)");
            return null;
        }
        return h;
    }

    private String path(MappingReader m, String key) {
        String p = m.string(key);
        if (p == null) {
            return null;
        }
        if (!p.startsWith("/")) {
            m.problem(key, "must start with '/', got '" + p + "'");
            return null;
        }
        if (p.indexOf('?') >= 0 || p.indexOf('#') >= 0) {
            m.problem(key, "matches the path only; remove the query or fragment from '" + p + "'");
            return null;
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                m.problem(key, "must not contain spaces or control/non-ASCII characters (percent-encode them)");
                return null;
            }
        }
        return p;
    }

    private RespondConfig respond(MappingReader route) {
        MappingReader r = MappingReader.of(route.node("respond"), route.path("respond"), problems, RESPOND_KEYS);
        if (r == null) {
            return null;
        }
        int status = r.intValue("status", 200, 200, 599);
        String body = r.string("body", "");
        if (body.length() > MAX_RESPOND_BODY_CHARS) {
            r.problem("body", "must be at most " + MAX_RESPOND_BODY_CHARS + " characters");
        }
        if (!body.isEmpty() && (status == 204 || status == 304)) {
            r.problem("body", "a " + status + " response cannot have a body");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (YamlNode.Entry e : r.stringMap("headers")) {
            String name = e.key().toLowerCase(Locale.ROOT);
            String value = ((YamlNode.Scalar) e.value()).text;
            YamlNode.Location at = e.keyLocation();
            if (!TOKEN.matcher(name).matches()) {
                problems.add(at, r.path("headers"), "'" + e.key() + "' is not a valid header name");
            } else if (RESERVED_RESPONSE_HEADERS.contains(name)) {
                problems.add(at, r.path("headers"), "'" + e.key() + "' is set by the proxy and cannot be configured");
            } else if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
                problems.add(e.value().location, r.path("headers") + "." + e.key(), "header values must not contain CR, LF or NUL");
            } else if (headers.putIfAbsent(name, value) != null) {
                problems.add(at, r.path("headers"), "header '" + e.key() + "' is listed twice (names are case-insensitive)");
            }
        }
        return new RespondConfig(status, body, headers);
    }
}
