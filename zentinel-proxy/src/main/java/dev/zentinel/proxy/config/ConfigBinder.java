package dev.zentinel.proxy.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the located YAML tree into the config records: checks keys, types, ranges, names and
 * references, fills in defaults, and records every problem with its location.
 */
final class ConfigBinder {

    // Limits on values: generous for real deployments, tight enough to catch typos.
    static final int MAX_CONNECTIONS = 10_000_000;
    static final int MAX_BACKLOG = 65_535;
    static final int MAX_TARGETS = 1024;
    static final int MAX_IDLE_PER_TARGET = 100_000;
    static final int MIN_HEADER_BYTES = 1024;
    static final int MAX_HEADER_BYTES = 1024 * 1024;
    static final int MIN_INITIAL_LINE_BYTES = 256;
    static final int MAX_INITIAL_LINE_BYTES = 64 * 1024;
    static final long MAX_BODY_BYTES = 1L << 40;
    static final int MAX_PIPELINED = 1024;
    static final int MAX_QUEUE_SIZE = 16 * 1024 * 1024;
    static final int MAX_DRAINING_GENERATIONS = 16;
    static final int MAX_WARMUP_REQUESTS = 10_000_000;
    static final int MAX_PRIORITY = 1_000_000;
    static final int MAX_RESPOND_BODY_CHARS = 1024 * 1024;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    /** RFC 9110 token: methods and header names. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\\.?");
    private static final Pattern ADDRESS_HOST = Pattern.compile("[A-Za-z0-9._%:-]+");
    /** Framing and connection headers the proxy sets itself; a fixed response must not override them. */
    private static final Set<String> RESERVED_RESPONSE_HEADERS =
            Set.of("content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "trailer");

    private static final Set<String> ROOT_KEYS =
            keys("listeners", "upstreams", "routes", "limits", "admin", "runtime", "access-log", "upgrade");
    private static final Set<String> LISTENER_KEYS = keys("name", "address", "max-connections", "backlog");
    private static final Set<String> UPSTREAM_KEYS = keys("name", "targets", "load-balancing", "connect-timeout",
            "read-timeout", "max-idle-per-target", "idle-timeout");
    private static final Set<String> ROUTE_KEYS = keys("name", "priority", "match", "upstream", "respond");
    private static final Set<String> MATCH_KEYS = keys("host", "path-prefix", "path-exact", "methods", "headers");
    private static final Set<String> RESPOND_KEYS = keys("status", "body", "headers");
    private static final Set<String> LIMITS_KEYS = keys("max-header-bytes", "max-initial-line-bytes",
            "max-body-bytes", "client-header-timeout", "client-idle-timeout", "max-pipelined-requests");
    private static final Set<String> ADMIN_KEYS = keys("enabled", "address");
    private static final Set<String> RUNTIME_KEYS = keys("directory");
    private static final Set<String> ACCESS_LOG_KEYS = keys("enabled", "path", "queue-size");
    private static final Set<String> UPGRADE_KEYS = keys("readiness-timeout", "drain-timeout",
            "max-draining-generations", "warmup-requests", "warmup-timeout");

    private static final Map<String, LoadBalancing> STRATEGIES = strategies();

    private final Problems problems;
    private final Path defaultRuntimeDirectory;

    ConfigBinder(Problems problems, Path defaultRuntimeDirectory) {
        this.problems = problems;
        this.defaultRuntimeDirectory = defaultRuntimeDirectory;
    }

    /** @return the config, or null when a problem made it impossible (problems are recorded) */
    ProxyConfig bind(YamlNode root) {
        MappingReader r = MappingReader.of(root, "", problems, ROOT_KEYS);
        if (r == null) {
            return null;
        }
        List<ListenerConfig> listeners = listeners(r);
        List<UpstreamConfig> upstreams = upstreams(r);
        List<RouteConfig> routes = routes(r, upstreamNames(upstreams));
        LimitsConfig limits = limits(section(r, "limits", LIMITS_KEYS));
        AdminConfig admin = admin(section(r, "admin", ADMIN_KEYS));
        RuntimeConfig runtime = runtime(section(r, "runtime", RUNTIME_KEYS));
        AccessLogConfig accessLog = accessLog(section(r, "access-log", ACCESS_LOG_KEYS));
        UpgradeConfig upgrade = upgrade(section(r, "upgrade", UPGRADE_KEYS));
        checkAddressConflicts(r, listeners, admin);
        return new ProxyConfig(listeners, upstreams, routes, limits, admin, runtime, accessLog, upgrade);
    }

    /** An optional section: absent or null gives an empty reader (all defaults). */
    private MappingReader section(MappingReader root, String key, Set<String> allowed) {
        YamlNode node = root.node(key);
        if (node == null || MappingReader.isNull(node)) {
            return MappingReader.of(new YamlNode.Mapping(root.locationOf(key)), key, problems, allowed);
        }
        MappingReader reader = MappingReader.of(node, key, problems, allowed);
        return reader != null ? reader : MappingReader.of(new YamlNode.Mapping(node.location), key, problems, allowed);
    }

    // ---- listeners

    private List<ListenerConfig> listeners(MappingReader root) {
        List<YamlNode> items = root.list("listeners");
        if (items == null) {
            return List.of();
        }
        if (items.isEmpty()) {
            problems.add(root.locationOf("listeners"), "listeners", root.has("listeners")
                    ? "at least one listener is required"
                    : "missing required section 'listeners' (at least one listener is required)");
            return List.of();
        }
        List<ListenerConfig> result = new ArrayList<>();
        Map<String, YamlNode.Location> names = new HashMap<>();
        Map<HostPort, YamlNode.Location> addresses = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            MappingReader l = MappingReader.of(items.get(i), "listeners[" + i + "]", problems, LISTENER_KEYS);
            if (l == null) {
                continue;
            }
            String name = name(l, names, "listener");
            HostPort address = address(l, "address", true, true);
            if (address != null && address.port() != 0) {
                YamlNode.Location previous = addresses.putIfAbsent(address, l.locationOf("address"));
                if (previous != null) {
                    l.problem("address", "address " + address + " is already used by another listener (line " + previous.line() + ")");
                }
            }
            int maxConnections = l.intValue("max-connections", ListenerConfig.DEFAULT_MAX_CONNECTIONS, 1, MAX_CONNECTIONS);
            int backlog = l.intValue("backlog", ListenerConfig.DEFAULT_BACKLOG, 1, MAX_BACKLOG);
            if (name != null && address != null) {
                result.add(new ListenerConfig(name, address, maxConnections, backlog));
            }
        }
        return result;
    }

    // ---- upstreams

    private List<UpstreamConfig> upstreams(MappingReader root) {
        List<YamlNode> items = root.list("upstreams");
        if (items == null) {
            return List.of();
        }
        List<UpstreamConfig> result = new ArrayList<>();
        Map<String, YamlNode.Location> names = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            MappingReader u = MappingReader.of(items.get(i), "upstreams[" + i + "]", problems, UPSTREAM_KEYS);
            if (u == null) {
                continue;
            }
            String name = name(u, names, "upstream");
            List<HostPort> targets = targets(u);
            LoadBalancing strategy = u.choice("load-balancing", LoadBalancing.ROUND_ROBIN, STRATEGIES);
            Duration connectTimeout = u.duration("connect-timeout", UpstreamConfig.DEFAULT_CONNECT_TIMEOUT);
            Duration readTimeout = u.duration("read-timeout", UpstreamConfig.DEFAULT_READ_TIMEOUT);
            int maxIdle = u.intValue("max-idle-per-target", UpstreamConfig.DEFAULT_MAX_IDLE_PER_TARGET, 0, MAX_IDLE_PER_TARGET);
            Duration idleTimeout = u.duration("idle-timeout", UpstreamConfig.DEFAULT_IDLE_TIMEOUT);
            if (name != null && !targets.isEmpty()) {
                result.add(new UpstreamConfig(name, targets, strategy, connectTimeout, readTimeout, maxIdle, idleTimeout));
            }
        }
        return result;
    }

    private List<HostPort> targets(MappingReader u) {
        if (!u.has("targets")) {
            problems.add(u.location(), u.path(), "missing required key 'targets'");
            return List.of();
        }
        List<YamlNode> items = u.list("targets");
        if (items == null) {
            return List.of();
        }
        if (items.isEmpty()) {
            u.problem("targets", "at least one target is required");
            return List.of();
        }
        if (items.size() > MAX_TARGETS) {
            u.problem("targets", "at most " + MAX_TARGETS + " targets are allowed, got " + items.size());
            return List.of();
        }
        List<HostPort> targets = new ArrayList<>();
        Set<HostPort> seen = new LinkedHashSet<>();
        for (int i = 0; i < items.size(); i++) {
            YamlNode item = items.get(i);
            String path = u.path("targets") + "[" + i + "]";
            YamlNode.Location at = item == null ? u.locationOf("targets") : item.location;
            if (!(item instanceof YamlNode.Scalar) || ((YamlNode.Scalar) item).type != YamlNode.Scalar.Type.STRING) {
                problems.add(at, path, "expected host:port, got " + (item == null ? "nothing" : item.kind()));
                continue;
            }
            HostPort target = parseAddress(((YamlNode.Scalar) item).text, false, at, path);
            if (target == null) {
                continue;
            }
            if (!seen.add(target)) {
                problems.add(at, path, "duplicate target " + target);
                continue;
            }
            targets.add(target);
        }
        return targets.size() == items.size() ? targets : List.of();
    }

    private static Set<String> upstreamNames(List<UpstreamConfig> upstreams) {
        Set<String> names = new LinkedHashSet<>();
        upstreams.forEach(u -> names.add(u.name()));
        return names;
    }

    // ---- routes

    private List<RouteConfig> routes(MappingReader root, Set<String> upstreamNames) {
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
            String name = name(r, names, "route");
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

    // ---- scalar sections

    private LimitsConfig limits(MappingReader l) {
        return new LimitsConfig(
                (int) l.size("max-header-bytes", LimitsConfig.DEFAULT_MAX_HEADER_BYTES, MIN_HEADER_BYTES, MAX_HEADER_BYTES),
                (int) l.size("max-initial-line-bytes", LimitsConfig.DEFAULT_MAX_INITIAL_LINE_BYTES,
                        MIN_INITIAL_LINE_BYTES, MAX_INITIAL_LINE_BYTES),
                l.size("max-body-bytes", LimitsConfig.DEFAULT_MAX_BODY_BYTES, 0, MAX_BODY_BYTES),
                l.duration("client-header-timeout", LimitsConfig.DEFAULT_CLIENT_HEADER_TIMEOUT),
                l.duration("client-idle-timeout", LimitsConfig.DEFAULT_CLIENT_IDLE_TIMEOUT),
                l.intValue("max-pipelined-requests", LimitsConfig.DEFAULT_MAX_PIPELINED_REQUESTS, 1, MAX_PIPELINED));
    }

    private AdminConfig admin(MappingReader a) {
        boolean enabled = a.bool("enabled", true);
        HostPort address = a.has("address") ? address(a, "address", true, false) : AdminConfig.DEFAULT_ADDRESS;
        return new AdminConfig(enabled, address != null ? address : AdminConfig.DEFAULT_ADDRESS);
    }

    private RuntimeConfig runtime(MappingReader r) {
        String dir = r.string("directory");
        if (dir == null) {
            return new RuntimeConfig(defaultRuntimeDirectory);
        }
        try {
            Path path = Path.of(dir);
            if (!path.isAbsolute()) {
                r.problem("directory", "must be an absolute path, got '" + dir + "'");
                return new RuntimeConfig(defaultRuntimeDirectory);
            }
            return new RuntimeConfig(path.normalize());
        } catch (InvalidPathException e) {
            r.problem("directory", "not a valid path: " + e.getMessage());
            return new RuntimeConfig(defaultRuntimeDirectory);
        }
    }

    private AccessLogConfig accessLog(MappingReader a) {
        boolean enabled = a.bool("enabled", true);
        String path = a.string("path", "-");
        if (path.isBlank()) {
            a.problem("path", "must be a file path or \"-\" for stdout");
            path = "-";
        } else if (!"-".equals(path)) {
            try {
                Path.of(path);
            } catch (InvalidPathException e) {
                a.problem("path", "not a valid path: " + e.getMessage());
                path = "-";
            }
        }
        int queueSize = a.intValue("queue-size", AccessLogConfig.DEFAULT_QUEUE_SIZE, 1, MAX_QUEUE_SIZE);
        return new AccessLogConfig(enabled, path, queueSize);
    }

    private UpgradeConfig upgrade(MappingReader u) {
        return new UpgradeConfig(
                u.duration("readiness-timeout", UpgradeConfig.DEFAULT_READINESS_TIMEOUT),
                u.duration("drain-timeout", UpgradeConfig.DEFAULT_DRAIN_TIMEOUT),
                u.intValue("max-draining-generations", UpgradeConfig.DEFAULT_MAX_DRAINING_GENERATIONS, 1,
                        MAX_DRAINING_GENERATIONS),
                u.intValue("warmup-requests", UpgradeConfig.DEFAULT_WARMUP_REQUESTS, 0, MAX_WARMUP_REQUESTS),
                u.duration("warmup-timeout", UpgradeConfig.DEFAULT_WARMUP_TIMEOUT));
    }

    // ---- shared checks

    private String name(MappingReader r, Map<String, YamlNode.Location> seen, String what) {
        String name = r.requiredString("name");
        if (name == null) {
            return null;
        }
        if (!NAME.matcher(name).matches()) {
            r.problem("name", "'" + name + "' is not a valid " + what
                    + " name (letters, digits, '_', '.', '-'; starts with a letter or digit; at most 64)");
            return null;
        }
        YamlNode.Location previous = seen.putIfAbsent(name, r.locationOf("name"));
        if (previous != null) {
            r.problem("name", "duplicate " + what + " name '" + name + "' (first defined on line " + previous.line() + ")");
            return null;
        }
        return name;
    }

    private HostPort address(MappingReader r, String key, boolean allowPortZero, boolean required) {
        if (!r.has(key)) {
            if (required) {
                problems.add(r.location(), r.path(), "missing required key '" + key + "'");
            }
            return null;
        }
        YamlNode node = r.node(key);
        if (!(node instanceof YamlNode.Scalar) || ((YamlNode.Scalar) node).type != YamlNode.Scalar.Type.STRING) {
            r.problem(key, "expected host:port, got " + node.kind());
            return null;
        }
        return parseAddress(((YamlNode.Scalar) node).text, allowPortZero, node.location, r.path(key));
    }

    private HostPort parseAddress(String text, boolean allowPortZero, YamlNode.Location at, String path) {
        HostPort address;
        try {
            address = HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            problems.add(at, path, e.getMessage());
            return null;
        }
        if (!ADDRESS_HOST.matcher(address.host()).matches()) {
            problems.add(at, path, "'" + address.host() + "' is not a host name or IP address");
            return null;
        }
        if (address.port() == 0 && !allowPortZero) {
            problems.add(at, path, "port must be between 1 and 65535, got 0");
            return null;
        }
        return address;
    }

    private void checkAddressConflicts(MappingReader root, List<ListenerConfig> listeners, AdminConfig admin) {
        if (!admin.enabled() || admin.address().port() == 0) {
            return;
        }
        for (ListenerConfig l : listeners) {
            if (l.address().equals(admin.address())) {
                problems.add(root.locationOf("admin"), "admin.address",
                        "address " + admin.address() + " is also used by listener '" + l.name() + "'");
            }
        }
    }

    private static Set<String> keys(String... keys) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(keys)));
    }

    private static Map<String, LoadBalancing> strategies() {
        Map<String, LoadBalancing> map = new LinkedHashMap<>();
        for (LoadBalancing lb : LoadBalancing.values()) {
            map.put(lb.configName(), lb);
        }
        return Collections.unmodifiableMap(map);
    }
}
