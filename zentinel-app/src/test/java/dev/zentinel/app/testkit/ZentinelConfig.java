package dev.zentinel.app.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Zentinel YAML config for a test: listeners on given ports, upstreams, routes, the
 * runtime directory in the test's temp dir, admin off unless asked for, access log off, a small
 * warm-up so processes start quickly.
 */
public final class ZentinelConfig {

    private final Path runtimeDirectory;
    private final Map<String, Integer> listeners = new LinkedHashMap<>();
    private final List<String> upstreams = new ArrayList<>();
    private final List<String> routes = new ArrayList<>();
    private Integer adminPort;
    private String drainTimeout = "20s";
    private int warmupRequests = 100;
    private String warmupTimeout = "10s";
    private String readinessTimeout = "60s";
    private boolean accessLog;

    private ZentinelConfig(Path runtimeDirectory) {
        this.runtimeDirectory = runtimeDirectory;
    }

    public static ZentinelConfig withRuntimeDirectory(Path runtimeDirectory) {
        return new ZentinelConfig(runtimeDirectory);
    }

    public Path runtimeDirectory() {
        return runtimeDirectory;
    }

    public Path controlSocket() {
        return runtimeDirectory.resolve("control.sock");
    }

    public ZentinelConfig listener(String name, int port) {
        listeners.put(name, port);
        return this;
    }

    public ZentinelConfig upstream(String name, String... targets) {
        upstreams.add("  - name: " + name + "\n    targets: [" + String.join(", ", targets) + "]\n");
        return this;
    }

    public ZentinelConfig proxyRoute(String name, String pathPrefix, String upstream) {
        routes.add("  - name: " + name + "\n    match: { path-prefix: " + quote(pathPrefix) + " }\n    upstream: "
                + upstream + "\n");
        return this;
    }

    public ZentinelConfig respondRoute(String name, String pathPrefix, int status, String body) {
        routes.add("  - name: " + name + "\n    match: { path-prefix: " + quote(pathPrefix) + " }\n"
                + "    respond: { status: " + status + ", body: " + quote(body) + " }\n");
        return this;
    }

    public ZentinelConfig admin(int port) {
        adminPort = port;
        return this;
    }

    public ZentinelConfig drainTimeout(String duration) {
        drainTimeout = duration;
        return this;
    }

    public ZentinelConfig warmupRequests(int requests) {
        warmupRequests = requests;
        return this;
    }

    public ZentinelConfig warmupTimeout(String duration) {
        warmupTimeout = duration;
        return this;
    }

    public ZentinelConfig readinessTimeout(String duration) {
        readinessTimeout = duration;
        return this;
    }

    public ZentinelConfig accessLog(boolean enabled) {
        accessLog = enabled;
        return this;
    }

    public String yaml() {
        StringBuilder yaml = new StringBuilder("listeners:\n");
        listeners.forEach((name, port) ->
                yaml.append("  - name: ").append(name).append("\n    address: 127.0.0.1:").append(port).append('\n'));
        if (!upstreams.isEmpty()) {
            yaml.append("upstreams:\n");
            upstreams.forEach(yaml::append);
        }
        yaml.append("routes:\n");
        routes.forEach(yaml::append);
        if (adminPort == null) {
            yaml.append("admin: { enabled: false }\n");
        } else {
            yaml.append("admin: { address: 127.0.0.1:").append(adminPort).append(" }\n");
        }
        yaml.append("runtime: { directory: ").append(quote(runtimeDirectory.toString())).append(" }\n");
        yaml.append("access-log: { enabled: ").append(accessLog).append(", path: \"-\" }\n");
        yaml.append("upgrade: { drain-timeout: ").append(drainTimeout)
                .append(", warmup-requests: ").append(warmupRequests)
                .append(", warmup-timeout: ").append(warmupTimeout)
                .append(", readiness-timeout: ").append(readinessTimeout).append(" }\n");
        return yaml.toString();
    }

    public Path writeTo(Path file) {
        try {
            return Files.writeString(file, yaml());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
