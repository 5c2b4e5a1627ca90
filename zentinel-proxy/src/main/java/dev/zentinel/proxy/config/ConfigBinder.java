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
    /** Niceness is at most 19 on Linux; a larger increment changes nothing. */
    static final int MAX_SUCCESSOR_NICE = 19;
    static final int MAX_PRECONNECT_PER_TARGET = 1024;
    static final Duration MAX_DRAIN_SPREAD = Duration.ofMinutes(10);

    private static final Pattern ADDRESS_HOST = Pattern.compile("[A-Za-z0-9._%:-]+");
    private static final Set<String> ROOT_KEYS =
            BinderSupport.keys("listeners", "upstreams", "routes", "limits", "admin", "runtime", "access-log", "upgrade");
    private static final Set<String> LISTENER_KEYS = BinderSupport.keys("name", "address", "max-connections", "backlog");
    private static final Set<String> UPSTREAM_KEYS = BinderSupport.keys("name", "targets", "load-balancing", "connect-timeout",
            "read-timeout", "max-idle-per-target", "idle-timeout");
    private static final Set<String> LIMITS_KEYS = BinderSupport.keys("max-header-bytes", "max-initial-line-bytes",
            "max-body-bytes", "client-header-timeout", "client-idle-timeout", "max-pipelined-requests");
    private static final Set<String> ADMIN_KEYS = BinderSupport.keys("enabled", "address");
    private static final Set<String> RUNTIME_KEYS = BinderSupport.keys("directory");
    private static final Set<String> ACCESS_LOG_KEYS = BinderSupport.keys("enabled", "path", "queue-size");
    private static final Set<String> UPGRADE_KEYS = BinderSupport.keys("readiness-timeout", "drain-timeout",
            "max-draining-generations", "warmup-requests", "warmup-timeout", "drain-idle-quiet",
            "successor-nice", "drain-spread", "preconnect-per-target");

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
        List<RouteConfig> routes = new RouteBinder(problems).routes(r, upstreamNames(upstreams));
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
            String name = BinderSupport.name(l, names, "listener");
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
            String name = BinderSupport.name(u, names, "upstream");
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
                u.duration("warmup-timeout", UpgradeConfig.DEFAULT_WARMUP_TIMEOUT),
                u.duration("drain-idle-quiet", UpgradeConfig.DEFAULT_DRAIN_IDLE_QUIET),
                u.intValue("successor-nice", UpgradeConfig.DEFAULT_SUCCESSOR_NICE, 0, MAX_SUCCESSOR_NICE),
                drainSpread(u),
                u.intValue("preconnect-per-target", UpgradeConfig.DEFAULT_PRECONNECT_PER_TARGET, 0,
                        MAX_PRECONNECT_PER_TARGET));
    }

    private static Duration drainSpread(MappingReader u) {
        // 0 (all at once) is a meaningful value here, unlike for timeouts.
        Duration spread = u.durationOrZero("drain-spread", UpgradeConfig.DEFAULT_DRAIN_SPREAD);
        if (spread.compareTo(MAX_DRAIN_SPREAD) > 0) {
            u.problem("drain-spread", "must be at most " + MAX_DRAIN_SPREAD.toSeconds() + "s, got " + spread.toMillis()
                    + "ms (it is also cut to half the drain-timeout)");
            return UpgradeConfig.DEFAULT_DRAIN_SPREAD;
        }
        return spread;
    }

    // ---- shared checks

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

    private static Map<String, LoadBalancing> strategies() {
        Map<String, LoadBalancing> map = new LinkedHashMap<>();
        for (LoadBalancing lb : LoadBalancing.values()) {
            map.put(lb.configName(), lb);
        }
        return Collections.unmodifiableMap(map);
    }
}
