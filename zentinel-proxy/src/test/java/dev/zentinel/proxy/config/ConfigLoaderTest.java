package dev.zentinel.proxy.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    private static final Path RUNTIME_DEFAULT = Path.of("/test/runtime");

    static final String FULL = """
            listeners:
              - name: http
                address: 127.0.0.1:8080
                max-connections: 500
                backlog: 128
              - name: public
                address: "[::1]:8443"
            upstreams:
              - name: app
                targets: [127.0.0.1:9000, 127.0.0.1:9001]
                load-balancing: least-connections
                connect-timeout: 250ms
                read-timeout: 1m
                max-idle-per-target: 8
                idle-timeout: 1h
              - name: other
                targets:
                  - backend.internal:80
                load-balancing: random-two-choices
            routes:
              - name: api
                priority: 10
                match: { host: api.example.com, path-prefix: /v1, methods: [GET, POST], headers: { X-Env: prod } }
                upstream: app
              - name: exact
                match: { host: "*.example.org", path-exact: /health }
                upstream: other
              - name: fallback
                match: { path-prefix: / }
                respond: { status: 404, body: "nothing here\\n", headers: { content-type: text/plain } }
            limits: { max-header-bytes: 32KiB, max-initial-line-bytes: 4096, max-body-bytes: 1GiB,
                      client-header-timeout: 5s, client-idle-timeout: 2m, max-pipelined-requests: 4 }
            admin: { address: 127.0.0.1:0 }
            runtime: { directory: /var/run/zentinel }
            access-log: { path: /var/log/zentinel/access.log, queue-size: 1024 }
            upgrade: { readiness-timeout: 20s, drain-timeout: 45s, max-draining-generations: 3,
                       warmup-requests: 100, warmup-timeout: 3s, drain-idle-quiet: 250ms,
                       successor-nice: 5 }
            """;

    @Test
    void fullExampleBindsEveryKey() throws Exception {
        ProxyConfig c = ConfigLoader.parse(FULL, "full.yaml", RUNTIME_DEFAULT);

        assertThat(c.listeners()).containsExactly(
                new ListenerConfig("http", new HostPort("127.0.0.1", 8080), 500, 128),
                new ListenerConfig("public", new HostPort("::1", 8443), ListenerConfig.DEFAULT_MAX_CONNECTIONS,
                        ListenerConfig.DEFAULT_BACKLOG));
        assertThat(c.upstreams()).containsExactly(
                new UpstreamConfig("app", List.of(new HostPort("127.0.0.1", 9000), new HostPort("127.0.0.1", 9001)),
                        LoadBalancing.LEAST_CONNECTIONS, Duration.ofMillis(250), Duration.ofMinutes(1), 8,
                        Duration.ofHours(1)),
                new UpstreamConfig("other", List.of(new HostPort("backend.internal", 80)),
                        LoadBalancing.RANDOM_TWO_CHOICES, UpstreamConfig.DEFAULT_CONNECT_TIMEOUT,
                        UpstreamConfig.DEFAULT_READ_TIMEOUT, UpstreamConfig.DEFAULT_MAX_IDLE_PER_TARGET,
                        UpstreamConfig.DEFAULT_IDLE_TIMEOUT));
        assertThat(c.routes()).containsExactly(
                new RouteConfig("api", 10, new RouteMatch("api.example.com", "/v1", null, List.of("GET", "POST"),
                        Map.of("x-env", "prod")), "app", null),
                new RouteConfig("exact", 0, new RouteMatch("*.example.org", null, "/health", List.of(), Map.of()),
                        "other", null),
                new RouteConfig("fallback", 0, new RouteMatch(null, "/", null, List.of(), Map.of()), null,
                        new RespondConfig(404, "nothing here\n", Map.of("content-type", "text/plain"))));
        assertThat(c.limits()).isEqualTo(new LimitsConfig(32 * 1024, 4096, 1L << 30, Duration.ofSeconds(5),
                Duration.ofMinutes(2), 4));
        assertThat(c.admin()).isEqualTo(new AdminConfig(true, new HostPort("127.0.0.1", 0)));
        assertThat(c.runtime()).isEqualTo(new RuntimeConfig(Path.of("/var/run/zentinel")));
        assertThat(c.accessLog()).isEqualTo(new AccessLogConfig(true, "/var/log/zentinel/access.log", 1024));
        assertThat(c.upgrade()).isEqualTo(new UpgradeConfig(Duration.ofSeconds(20), Duration.ofSeconds(45), 3, 100,
                Duration.ofSeconds(3), Duration.ofMillis(250), 5));
    }

    @Test
    void minimalConfigGetsEveryDefault() throws Exception {
        ProxyConfig c = ConfigLoader.parse("""
                listeners:
                  - name: http
                    address: 0.0.0.0:80
                upstreams:
                  - name: app
                    targets: [10.0.0.1:8080]
                routes:
                  - name: all
                    upstream: app
                """, "min.yaml", RUNTIME_DEFAULT);

        assertThat(c.listeners().get(0).maxConnections()).isEqualTo(ListenerConfig.DEFAULT_MAX_CONNECTIONS);
        assertThat(c.listeners().get(0).backlog()).isEqualTo(ListenerConfig.DEFAULT_BACKLOG);
        UpstreamConfig u = c.upstreams().get(0);
        assertThat(u.loadBalancing()).isEqualTo(LoadBalancing.ROUND_ROBIN);
        assertThat(u.connectTimeout()).isEqualTo(UpstreamConfig.DEFAULT_CONNECT_TIMEOUT);
        assertThat(u.readTimeout()).isEqualTo(UpstreamConfig.DEFAULT_READ_TIMEOUT);
        assertThat(u.maxIdlePerTarget()).isEqualTo(UpstreamConfig.DEFAULT_MAX_IDLE_PER_TARGET);
        assertThat(u.idleTimeout()).isEqualTo(UpstreamConfig.DEFAULT_IDLE_TIMEOUT);
        RouteConfig r = c.routes().get(0);
        assertThat(r.priority()).isZero();
        assertThat(r.match()).isEqualTo(new RouteMatch(null, null, null, List.of(), Map.of()));
        assertThat(c.limits()).isEqualTo(LimitsConfig.defaults());
        assertThat(c.admin()).isEqualTo(new AdminConfig(true, AdminConfig.DEFAULT_ADDRESS));
        assertThat(c.runtime().directory()).isEqualTo(RUNTIME_DEFAULT);
        assertThat(c.accessLog()).isEqualTo(new AccessLogConfig(true, "-", AccessLogConfig.DEFAULT_QUEUE_SIZE));
        assertThat(c.upgrade()).isEqualTo(UpgradeConfig.defaults());
    }

    @Test
    void respondDefaultsToEmpty200() throws Exception {
        ProxyConfig c = ConfigLoader.parse("""
                listeners: [{ name: http, address: "127.0.0.1:0" }]
                routes: [{ name: r, respond: {} }]
                """, "t.yaml", RUNTIME_DEFAULT);
        assertThat(c.routes().get(0).respond()).isEqualTo(new RespondConfig(200, "", Map.of()));
    }

    @Test
    void sectionsCanBeDisabled() throws Exception {
        ProxyConfig c = ConfigLoader.parse("""
                listeners: [{ name: http, address: "127.0.0.1:0" }]
                admin: { enabled: false }
                access-log: { enabled: false }
                """, "t.yaml", RUNTIME_DEFAULT);
        assertThat(c.admin().enabled()).isFalse();
        assertThat(c.accessLog().enabled()).isFalse();
        assertThat(c.routes()).isEmpty();
    }

    @Test
    void embeddedDefaultServesTheBuiltInResponse() {
        ProxyConfig c = ConfigLoader.embeddedDefault();
        assertThat(c.listeners()).containsExactly(
                new ListenerConfig("http", new HostPort("127.0.0.1", 8080), ListenerConfig.DEFAULT_MAX_CONNECTIONS,
                        ListenerConfig.DEFAULT_BACKLOG));
        assertThat(c.routes()).hasSize(1);
        RouteConfig route = c.routes().get(0);
        assertThat(route.name()).isEqualTo("default");
        assertThat(route.upstream()).isNull();
        assertThat(route.respond().status()).isEqualTo(200);
        assertThat(route.respond().body()).isEqualTo("Zentinel is running\n");
        assertThat(c.admin()).isEqualTo(new AdminConfig(true, new HostPort("127.0.0.1", 9901)));
        assertThat(c.accessLog().enabled()).isTrue();
        assertThat(c.accessLog().path()).isEqualTo("-");
        assertThat(c.upstreams()).isEmpty();
    }

    @Test
    void loadsFromFileAndNamesItInProblems(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("zentinel.yaml");
        Files.writeString(file, FULL, StandardCharsets.UTF_8);
        assertThat(ConfigLoader.load(file).listeners()).hasSize(2);

        Files.writeString(file, "listeners: []\n");
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":1:12: listeners: at least one listener is required");
    }

    @Test
    void missingAndUnreadableFilesAreConfigErrors(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": no such file");

        Path binary = dir.resolve("binary.yaml");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x41});
        assertThatThrownBy(() -> ConfigLoader.load(binary))
                .isInstanceOf(ConfigException.class)
                .hasMessage(binary + ": not valid UTF-8");
    }
}
