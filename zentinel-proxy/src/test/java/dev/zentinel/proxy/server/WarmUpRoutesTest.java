package dev.zentinel.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zentinel.proxy.config.RespondConfig;
import dev.zentinel.proxy.config.RouteConfig;
import dev.zentinel.proxy.config.RouteMatch;
import dev.zentinel.proxy.routing.HeaderLookup;
import dev.zentinel.proxy.routing.Router;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WarmUpRoutesTest {

    private static final List<RouteConfig> CONFIGURED = List.of(
            new RouteConfig("api", 5, new RouteMatch("api.example.com", "/v1", null, List.of("POST", "PUT"), Map.of()), "app", null),
            new RouteConfig("tenant", 3, new RouteMatch("*.tenant.example", null, "/exact", List.of(), Map.of("X-Tenant", "a")),
                    "app", null),
            new RouteConfig("tunnel", 3, new RouteMatch(null, "/tunnel", null, List.of("CONNECT"), Map.of()), "app", null),
            new RouteConfig("legacy", -2, new RouteMatch(null, "/old", null, List.of(), Map.of()), null,
                    new RespondConfig(301, "", Map.of("Location", "/new"))),
            new RouteConfig("zentinel-warmup-proxy", -5, new RouteMatch(null, "/", null, List.of(), Map.of()), "other", null));

    private final WarmUpRoutes routes = new WarmUpRoutes(CONFIGURED);

    @Test
    void keepsTheConfiguredTableButNeverItsUpstreams() {
        List<RouteConfig> table = routes.table();

        assertThat(table).hasSize(CONFIGURED.size() + 2);
        for (int i = 0; i < CONFIGURED.size(); i++) {
            RouteConfig configured = CONFIGURED.get(i);
            RouteConfig warm = table.get(i);
            assertThat(warm.name()).isEqualTo(configured.name());
            assertThat(warm.priority()).isEqualTo(configured.priority());
            assertThat(warm.match()).isEqualTo(configured.match());
            assertThat(warm.respond()).isEqualTo(configured.respond());
            assertThat(warm.upstream()).isEqualTo(configured.respond() == null ? WarmUpRoutes.ORIGIN_UPSTREAM : null);
        }
        assertThat(table).extracting(RouteConfig::name).doesNotHaveDuplicates();
        assertThat(routes.proxyRouteName()).isEqualTo("zentinel-warmup-proxy-2");
    }

    @Test
    void everySendableConfiguredRouteGetsARequestItMatches() {
        Router router = new Router(routes.table());
        List<WarmUpRoutes.Sample> samples = routes.configuredSamples();

        assertThat(samples).hasSize(CONFIGURED.size());
        assertThat(route(router, samples.get(0))).isEqualTo("api");
        assertThat(samples.get(0).withBody()).isTrue();
        assertThat(route(router, samples.get(1))).isEqualTo("tenant");
        assertThat(samples.get(1).host()).isEqualTo("warmup.tenant.example");
        assertThat(samples.get(2).method()).as("a method the warm-up does not send becomes GET").isEqualTo("GET");
        assertThat(route(router, samples.get(3))).isEqualTo("legacy");
        assertThat(route(router, samples.get(4))).isEqualTo("zentinel-warmup-proxy");
    }

    @Test
    void itsOwnRoutesComeBelowEveryConfiguredOne() {
        Router router = new Router(routes.table());

        assertThat(router.routes().subList(CONFIGURED.size(), CONFIGURED.size() + 2)).extracting(RouteConfig::name)
                .containsExactly(routes.proxyRouteName(), routes.respondRouteName());

        Router ownOnly = new Router(new WarmUpRoutes(List.of()).table());
        assertThat(ownOnly.match("GET", "warmup.local", WarmUpRoutes.PROXY_PREFIX + "/item", HeaderLookup.NONE))
                .get().extracting(RouteConfig::upstream).isEqualTo(WarmUpRoutes.ORIGIN_UPSTREAM);
        assertThat(ownOnly.match("GET", "warmup.local", "/health", HeaderLookup.NONE))
                .get().extracting(RouteConfig::respond).isNotNull();
    }

    private static String route(Router router, WarmUpRoutes.Sample sample) {
        HeaderLookup headers = name -> sample.headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null);
        return router.match(sample.method(), sample.host(), sample.uri(), headers).map(RouteConfig::name).orElse("none");
    }
}
