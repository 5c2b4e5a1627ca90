package dev.zentinel.proxy.routing;

import dev.zentinel.proxy.config.RespondConfig;
import dev.zentinel.proxy.config.RouteConfig;
import dev.zentinel.proxy.config.RouteMatch;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RouterTest {

    private static final RespondConfig OK = new RespondConfig(200, "", Map.of());

    private static RouteConfig route(String name, int priority, RouteMatch match) {
        return new RouteConfig(name, priority, match, null, OK);
    }

    private static RouteMatch host(String host) {
        return new RouteMatch(host, null, null, List.of(), Map.of());
    }

    private static RouteMatch prefix(String prefix) {
        return new RouteMatch(null, prefix, null, List.of(), Map.of());
    }

    private static String matched(Router router, String method, String host, String path, HeaderLookup headers) {
        return router.match(method, host, path, headers).map(RouteConfig::name).orElse(null);
    }

    private static String matched(Router router, String host, String path) {
        return matched(router, "GET", host, path, HeaderLookup.NONE);
    }

    @Test
    void higherPriorityWinsRegardlessOfOrder() {
        Router router = new Router(List.of(route("low", 0, prefix("/")), route("high", 5, prefix("/api"))));
        assertThat(matched(router, "x", "/api/users")).isEqualTo("high");
        assertThat(matched(router, "x", "/other")).isEqualTo("low");
    }

    @Test
    void equalPrioritiesKeepListingOrder() {
        Router router = new Router(List.of(route("first", 1, prefix("/")), route("second", 1, prefix("/")),
                route("third", 1, prefix("/"))));
        assertThat(matched(router, "x", "/")).isEqualTo("first");
        assertThat(router.routes()).extracting(RouteConfig::name).containsExactly("first", "second", "third");
    }

    @Test
    void negativePrioritiesSortBelowTheDefault() {
        Router router = new Router(List.of(route("fallback", -1, prefix("/")), route("normal", 0, prefix("/"))));
        assertThat(matched(router, "x", "/")).isEqualTo("normal");
    }

    @Test
    void pathPrefixEndsOnASegmentBoundary() {
        Router router = new Router(List.of(route("v1", 0, prefix("/v1"))));
        assertThat(matched(router, "x", "/v1")).isEqualTo("v1");
        assertThat(matched(router, "x", "/v1/")).isEqualTo("v1");
        assertThat(matched(router, "x", "/v1/users")).isEqualTo("v1");
        assertThat(matched(router, "x", "/v1x")).isNull();
        assertThat(matched(router, "x", "/v")).isNull();
        assertThat(matched(router, "x", "/V1")).isNull();
    }

    @Test
    void prefixWithTrailingSlashRequiresIt() {
        Router router = new Router(List.of(route("v1", 0, prefix("/v1/"))));
        assertThat(matched(router, "x", "/v1/a")).isEqualTo("v1");
        assertThat(matched(router, "x", "/v1/")).isEqualTo("v1");
        assertThat(matched(router, "x", "/v1")).isNull();
    }

    @Test
    void rootPrefixMatchesEverything() {
        Router router = new Router(List.of(route("all", 0, prefix("/"))));
        assertThat(matched(router, "x", "/")).isEqualTo("all");
        assertThat(matched(router, "x", "/anything/at/all")).isEqualTo("all");
        assertThat(matched(router, "x", "*")).isEqualTo("all");
    }

    @Test
    void pathExactMatchesOnlyThatPath() {
        Router router = new Router(List.of(route("health", 0, new RouteMatch(null, null, "/health", List.of(), Map.of()))));
        assertThat(matched(router, "x", "/health")).isEqualTo("health");
        assertThat(matched(router, "x", "/health/")).isNull();
        assertThat(matched(router, "x", "/healthz")).isNull();
    }

    @Test
    void hostIgnoresPortCaseAndTrailingDot() {
        Router router = new Router(List.of(route("api", 0, host("api.example.com"))));
        assertThat(matched(router, "api.example.com", "/")).isEqualTo("api");
        assertThat(matched(router, "API.Example.COM", "/")).isEqualTo("api");
        assertThat(matched(router, "api.example.com:8080", "/")).isEqualTo("api");
        assertThat(matched(router, "api.example.com.", "/")).isEqualTo("api");
        assertThat(matched(router, "api.example.com.:443", "/")).isEqualTo("api");
        assertThat(matched(router, "api.example.co", "/")).isNull();
        assertThat(matched(router, "xapi.example.com", "/")).isNull();
        assertThat(matched(router, "api.example.com.evil", "/")).isNull();
        assertThat(matched(router, null, "/")).isNull();
    }

    @Test
    void wildcardHostMatchesSubdomainsButNotTheBareDomain() {
        Router router = new Router(List.of(route("wild", 0, host("*.example.com"))));
        assertThat(matched(router, "a.example.com", "/")).isEqualTo("wild");
        assertThat(matched(router, "a.b.example.com:81", "/")).isEqualTo("wild");
        assertThat(matched(router, "A.EXAMPLE.com", "/")).isEqualTo("wild");
        assertThat(matched(router, "example.com", "/")).isNull();
        assertThat(matched(router, ".example.com", "/")).isNull();
        assertThat(matched(router, "aexample.com", "/")).isNull();
        assertThat(matched(router, "a.example.org", "/")).isNull();
    }

    @Test
    void ipv6HostLiteralKeepsItsBrackets() {
        Router router = new Router(List.of(route("v6", 0, host("[::1]"))));
        assertThat(matched(router, "[::1]:8080", "/")).isEqualTo("v6");
        assertThat(matched(router, "[::1]", "/")).isEqualTo("v6");
        assertThat(matched(router, "[::2]", "/")).isNull();
        assertThat(Router.hostEnd("[::1]:8080")).isEqualTo(5);
        assertThat(Router.hostEnd("[::1]")).isEqualTo(5);
        assertThat(Router.hostEnd("example.com:80")).isEqualTo(11);
    }

    @Test
    void methodsAreCaseSensitiveAndAnyWhenEmpty() {
        Router router = new Router(List.of(
                route("writes", 1, new RouteMatch(null, null, null, List.of("POST", "PUT"), Map.of())),
                route("rest", 0, prefix("/"))));
        assertThat(matched(router, "POST", "h", "/", HeaderLookup.NONE)).isEqualTo("writes");
        assertThat(matched(router, "PUT", "h", "/", HeaderLookup.NONE)).isEqualTo("writes");
        assertThat(matched(router, "post", "h", "/", HeaderLookup.NONE)).isEqualTo("rest");
        assertThat(matched(router, "GET", "h", "/", HeaderLookup.NONE)).isEqualTo("rest");
    }

    @Test
    void headersMustAllMatchExactly() {
        Router router = new Router(List.of(route("prod", 0,
                new RouteMatch(null, null, null, List.of(), Map.of("X-Env", "prod", "x-tier", "gold")))));
        Map<String, String> headers = Map.of("x-env", "prod", "x-tier", "gold");
        assertThat(matched(router, "GET", "h", "/", headers::get)).isEqualTo("prod");
        assertThat(matched(router, "GET", "h", "/", Map.of("x-env", "prod")::get)).isNull();
        assertThat(matched(router, "GET", "h", "/", Map.of("x-env", "Prod", "x-tier", "gold")::get)).isNull();
        assertThat(matched(router, "GET", "h", "/", null)).isNull();
    }

    @Test
    void allConditionsMustHold() {
        Router router = new Router(List.of(route("api", 0, new RouteMatch("api.example.com", "/v1", null,
                List.of("GET"), Map.of("x-env", "prod")))));
        HeaderLookup prod = Map.of("x-env", "prod")::get;
        assertThat(matched(router, "GET", "api.example.com", "/v1/x", prod)).isEqualTo("api");
        assertThat(matched(router, "POST", "api.example.com", "/v1/x", prod)).isNull();
        assertThat(matched(router, "GET", "www.example.com", "/v1/x", prod)).isNull();
        assertThat(matched(router, "GET", "api.example.com", "/v2", prod)).isNull();
        assertThat(matched(router, "GET", "api.example.com", "/v1/x", HeaderLookup.NONE)).isNull();
    }

    @Test
    void noRoutesMeansNoMatch() {
        Router router = new Router(List.of());
        assertThat(router.match("GET", "h", "/", HeaderLookup.NONE)).isEmpty();
    }

    @Test
    void returnsTheConfiguredRouteInstance() {
        RouteConfig api = new RouteConfig("api", 0, prefix("/"), "app", null);
        Router router = new Router(List.of(api));
        assertThat(router.match("GET", "h", "/", HeaderLookup.NONE)).containsSame(api);
    }
}
