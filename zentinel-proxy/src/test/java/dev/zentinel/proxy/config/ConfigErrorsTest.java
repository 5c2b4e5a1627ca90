package dev.zentinel.proxy.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Each kind of bad input yields a problem at the exact line and column of the offending text. */
class ConfigErrorsTest {

    private static final String LISTENER = "listeners:\n  - name: http\n    address: 127.0.0.1:8080\n";

    private static ConfigException failure(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(yaml, "bad.yaml", Path.of("/test/runtime")));
        assertThat(e).as("expected a ConfigException for:\n%s", yaml).isNotNull();
        return e;
    }

    @Test
    void unknownKeyPointsAtTheKeyAndSuggestsTheNearMiss() {
        ConfigException e = failure("""
                listeners:
                  - name: http
                    address: 127.0.0.1:8080
                    max-conections: 5
                """);
        assertThat(e.problems()).containsExactly(
                "bad.yaml:4:5: listeners[0]: unknown key 'max-conections' (did you mean 'max-connections'?)");
    }

    @Test
    void unknownTopLevelKeyListsTheKnownOnes() {
        ConfigException e = failure(LISTENER + "tls: {}\n");
        assertThat(e.problems()).containsExactly("bad.yaml:4:1: unknown key 'tls' (expected one of: listeners, "
                + "upstreams, routes, limits, admin, runtime, access-log, upgrade)");
    }

    @Test
    void unknownEnumValue() {
        ConfigException e = failure(LISTENER + """
                upstreams:
                  - name: app
                    targets: [127.0.0.1:9000]
                    load-balancing: fastest
                """);
        assertThat(e.problems()).containsExactly("bad.yaml:7:21: upstreams[0].load-balancing: unknown value 'fastest' "
                + "(expected one of: round-robin, least-connections, random-two-choices)");
    }

    @Test
    void wrongTypes() {
        ConfigException e = failure("""
                listeners:
                  - name: http
                    address: 127.0.0.1:8080
                    max-connections: lots
                    backlog: [1]
                limits: 5
                admin: { enabled: "maybe" }
                """);
        assertThat(e.problems()).containsExactly(
                "bad.yaml:4:22: listeners[0].max-connections: expected an integer, got a string 'lots'",
                "bad.yaml:5:14: listeners[0].backlog: expected an integer, got a list",
                "bad.yaml:6:9: limits: expected a mapping of keys, got an integer",
                "bad.yaml:7:19: admin.enabled: expected true or false, got a string 'maybe'");
    }

    @Test
    void duplicateNames() {
        ConfigException e = failure("""
                listeners:
                  - name: http
                    address: 127.0.0.1:8080
                  - name: http
                    address: 127.0.0.1:8081
                upstreams:
                  - { name: app, targets: [127.0.0.1:9000] }
                  - { name: app, targets: [127.0.0.1:9001] }
                routes:
                  - { name: r, upstream: app }
                  - { name: r, upstream: app }
                """);
        assertThat(e.problems()).containsExactly(
                "bad.yaml:4:11: listeners[1].name: duplicate listener name 'http' (first defined on line 2)",
                "bad.yaml:8:13: upstreams[1].name: duplicate upstream name 'app' (first defined on line 7)",
                "bad.yaml:11:13: routes[1].name: duplicate route name 'r' (first defined on line 10)");
    }

    @Test
    void duplicateListenerAddress() {
        ConfigException e = failure(LISTENER + "  - name: other\n    address: 127.0.0.1:8080\n");
        assertThat(e.problems()).containsExactly("bad.yaml:5:14: listeners[1].address: address 127.0.0.1:8080 is "
                + "already used by another listener (line 3)");
    }

    @Test
    void danglingUpstreamReference() {
        ConfigException e = failure(LISTENER + """
                upstreams: [{ name: app, targets: [127.0.0.1:9000] }]
                routes:
                  - name: api
                    upstream: ap
                """);
        assertThat(e.problems()).containsExactly(
                "bad.yaml:7:15: routes[0].upstream: no upstream named 'ap' (defined: app)");
    }

    @Test
    void routeNeedsExactlyOneOfUpstreamAndRespond() {
        ConfigException e = failure(LISTENER + """
                upstreams: [{ name: app, targets: [127.0.0.1:9000] }]
                routes:
                  - name: both
                    upstream: app
                    respond: { status: 200 }
                  - name: neither
                    match: { path-prefix: / }
                """);
        assertThat(e.problems()).containsExactly(
                "bad.yaml:6:5: routes[0]: a route has either 'upstream' or 'respond', not both",
                "bad.yaml:9:5: routes[1]: a route needs 'upstream' (proxy to an upstream) or 'respond' (fixed response)");
    }

    @Test
    void emptyAndMissingTargets() {
        ConfigException e = failure(LISTENER + """
                upstreams:
                  - name: a
                    targets: []
                  - name: b
                """);
        assertThat(e.problems()).containsExactly(
                "bad.yaml:6:14: upstreams[0].targets: at least one target is required",
                "bad.yaml:7:5: upstreams[1]: missing required key 'targets'");
    }

    @Test
    void badAddresses() {
        ConfigException e = failure("""
                listeners:
                  - name: a
                    address: localhost
                  - name: b
                    address: 127.0.0.1:70000
                  - name: c
                    address: "[::1:80"
                upstreams:
                  - name: app
                    targets: [127.0.0.1:0, "bad host:80"]
                """);
        assertThat(e.problems()).containsExactly(
                "bad.yaml:3:14: listeners[0].address: address must be host:port, got 'localhost'",
                "bad.yaml:5:14: listeners[1].address: port out of range 0..65535: 70000",
                "bad.yaml:7:14: listeners[2].address: address must be [ipv6]:port, got '[::1:80'",
                "bad.yaml:10:15: upstreams[0].targets[0]: port must be between 1 and 65535, got 0",
                "bad.yaml:10:28: upstreams[0].targets[1]: 'bad host' is not a host name or IP address");
    }

    @Test
    void outOfRangeNumbers() {
        ConfigException e = failure("""
                listeners:
                  - name: http
                    address: 127.0.0.1:8080
                    max-connections: 0
                limits: { max-pipelined-requests: 5000, max-header-bytes: 100 }
                access-log: { queue-size: -1 }
                upgrade: { max-draining-generations: 0 }
                """);
        assertThat(e.problems()).containsExactly(
                "bad.yaml:4:22: listeners[0].max-connections: must be between 1 and 10000000, got 0",
                "bad.yaml:5:35: limits.max-pipelined-requests: must be between 1 and 1024, got 5000",
                "bad.yaml:5:59: limits.max-header-bytes: must be between 1024 and 1048576, got 100",
                "bad.yaml:6:27: access-log.queue-size: must be between 1 and 16777216, got -1",
                "bad.yaml:7:38: upgrade.max-draining-generations: must be between 1 and 16, got 0");
    }

    @Test
    void emptyOrMissingListeners() {
        assertThat(failure("listeners: []\n").problems())
                .containsExactly("bad.yaml:1:12: listeners: at least one listener is required");
        assertThat(failure("routes: []\n").problems()).containsExactly(
                "bad.yaml:1:1: listeners: missing required section 'listeners' (at least one listener is required)");
    }

    @Test
    void badDurationsAndSizes() {
        ConfigException e = failure(LISTENER + """
                limits:
                  client-idle-timeout: 60
                  client-header-timeout: 0s
                  max-body-bytes: 10MB
                upgrade:
                  drain-timeout: 2d
                  readiness-timeout: 25h
                """);
        assertThat(e.problems()).containsExactly(
                "bad.yaml:5:24: limits.client-idle-timeout: a duration needs a unit: write e.g. 60s or 60ms",
                "bad.yaml:6:26: limits.client-header-timeout: duration must be positive, got '0s'",
                "bad.yaml:7:19: limits.max-body-bytes: '10MB' is not a size: use bytes or a whole number with KiB, "
                        + "MiB, GiB or TiB (e.g. 16KiB)",
                "bad.yaml:9:18: upgrade.drain-timeout: '2d' is not a duration: use a whole number with ms, s, m or h "
                        + "(e.g. 250ms, 2s, 1m)",
                "bad.yaml:10:22: upgrade.readiness-timeout: duration must be at most 24h, got '25h'");
    }

    @Test
    void syntaxErrorHasTheParserLocation() {
        ConfigException e = failure("listeners:\n  - name: http\n    address: [127.0.0.1:8080\n");
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0)).startsWith("bad.yaml:4:1: invalid YAML: ");
    }

    @Test
    void tabIndentationIsASyntaxError() {
        ConfigException e = failure("listeners:\n\t- name: http\n");
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0)).startsWith("bad.yaml:2:1: invalid YAML: ").contains("TAB");
    }

    @Test
    void duplicateKeysAreRejected() {
        ConfigException e = failure(LISTENER + "admin: { address: 127.0.0.1:1, address: 127.0.0.1:2 }\n");
        assertThat(e.problems()).containsExactly("bad.yaml:4:32: duplicate key 'address'");
    }

    @Test
    void rootMustBeAMapping() {
        assertThat(failure("- a\n- b\n").problems())
                .containsExactly("bad.yaml:1:1: expected a mapping of keys, got a list");
        assertThat(failure("").problems()).containsExactly("bad.yaml:1:1: the configuration is empty");
        assertThat(failure(LISTENER + "---\n" + LISTENER).problems()).containsExactly(
                "bad.yaml:5:1: only one YAML document is allowed (remove the extra '---' section)");
    }

    @Test
    void routeMatchValidation() {
        ConfigException e = failure(LISTENER + """
                routes:
                  - name: r
                    match:
                      host: "example.com:8080"
                      path-prefix: v1
                      methods: [get, "BAD METHOD"]
                      headers: { "x y": z }
                    respond: { status: 204, body: "x", headers: { Content-Length: "5" } }
                  - name: r2
                    match: { path-prefix: /a, path-exact: /a, host: "a.*.com" }
                    respond: { status: 99 }
                """);
        assertThat(e.problems()).containsExactly(
                "bad.yaml:7:13: routes[0].match.host: write the host without a port ('example.com:8080'); the port is "
                        + "ignored when matching",
                "bad.yaml:8:20: routes[0].match.path-prefix: must start with '/', got 'v1'",
                "bad.yaml:9:16: routes[0].match.methods: method 'get' must be upper case ('GET')",
                "bad.yaml:9:16: routes[0].match.methods: 'BAD METHOD' is not a valid HTTP method",
                "bad.yaml:10:18: routes[0].match.headers: 'x y' is not a valid header name",
                "bad.yaml:11:35: routes[0].respond.body: a 204 response cannot have a body",
                "bad.yaml:11:51: routes[0].respond.headers: 'Content-Length' is set by the proxy and cannot be configured",
                "bad.yaml:13:12: routes[1].match: use either 'path-prefix' or 'path-exact', not both",
                "bad.yaml:13:53: routes[1].match.host: 'a.*.com' is not a host name (a leading '*.' matches any subdomain)",
                "bad.yaml:14:24: routes[1].respond.status: must be between 200 and 599, got 99");
    }

    @Test
    void manyProblemsAreReportedTogetherInFileOrder() {
        ConfigException e = failure("""
                upgrade: { drain-timeout: soon }
                listeners:
                  - name: "bad name"
                    address: 127.0.0.1:8080
                routes:
                  - name: r
                    upstream: missing
                """);
        assertThat(e.problems()).containsExactly(
                "bad.yaml:1:27: upgrade.drain-timeout: 'soon' is not a duration: use a whole number with ms, s, m or h "
                        + "(e.g. 250ms, 2s, 1m)",
                "bad.yaml:3:11: listeners[0].name: 'bad name' is not a valid listener name (letters, digits, '_', '.', "
                        + "'-'; starts with a letter or digit; at most 64)",
                "bad.yaml:7:15: routes[0].upstream: no upstream named 'missing'");
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
    }

    @Test
    void adminMayNotShareAListenerAddress() {
        ConfigException e = failure(LISTENER + "admin: { address: 127.0.0.1:8080 }\n");
        assertThat(e.problems()).containsExactly(
                "bad.yaml:4:8: admin.address: address 127.0.0.1:8080 is also used by listener 'http'");
    }

    @Test
    void runtimeDirectoryMustBeAbsolute() {
        ConfigException e = failure(LISTENER + "runtime: { directory: run/zentinel }\n");
        assertThat(e.problems()).containsExactly(
                "bad.yaml:4:23: runtime.directory: must be an absolute path, got 'run/zentinel'");
    }

    @Test
    void aliasesAreRejectedRatherThanReadAsTheirName() {
        ConfigException e = failure("""
                listeners:
                  - &l { name: http, address: "127.0.0.1:8080" }
                  - *l
                """);
        assertThat(e.problems()).containsExactly("bad.yaml:3:5: YAML aliases (*l) are not supported; write the value out");
    }

    @Test
    void absurdNestingIsRejected() {
        ConfigException e = failure("listeners: " + "[".repeat(40) + "]".repeat(40) + "\n");
        assertThat(e.problems()).anyMatch(p -> p.contains("nested deeper than"));
    }

    @Test
    void integersMustBePlainDecimal() {
        ConfigException e = failure("""
                listeners:
                  - name: http
                    address: 127.0.0.1:8080
                    max-connections: 010
                    backlog: 0x10
                limits: { max-pipelined-requests: 1_000 }
                """);
        assertThat(e.problems()).containsExactly(
                "bad.yaml:4:22: listeners[0].max-connections: write a plain decimal integer, got '010'",
                "bad.yaml:5:14: listeners[0].backlog: write a plain decimal integer, got '0x10'",
                "bad.yaml:6:35: limits.max-pipelined-requests: write a plain decimal integer, got '1_000'");
    }
}
