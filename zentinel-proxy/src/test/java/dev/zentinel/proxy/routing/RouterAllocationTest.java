package dev.zentinel.proxy.routing;

import dev.zentinel.proxy.config.RespondConfig;
import dev.zentinel.proxy.config.RouteConfig;
import dev.zentinel.proxy.config.RouteMatch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** match() runs for every request: it must not allocate (per-thread allocation counter, not timing). */
class RouterAllocationTest {

    @Test
    void matchAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);

        List<RouteConfig> routes = new ArrayList<>();
        RespondConfig ok = new RespondConfig(200, "", Map.of());
        for (int i = 0; i < 20; i++) {
            routes.add(new RouteConfig("r" + i, i % 3, new RouteMatch("host" + i + ".example.com", "/p" + i, null,
                    List.of("GET", "POST"), Map.of("x-env", "prod")), null, ok));
        }
        routes.add(new RouteConfig("wild", 0, new RouteMatch("*.example.org", "/", null, List.of(), Map.of()), null, ok));
        Router router = new Router(routes);
        Map<String, String> headerMap = Map.of("x-env", "prod");
        HeaderLookup headers = headerMap::get;

        long id = Thread.currentThread().getId();
        int matched = 0;
        // First round warms up (class loading, lambda linkage); the second is measured.
        for (int round = 0; round < 2; round++) {
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 100_000; i++) {
                matched += router.match("GET", "host19.example.com:8080", "/p19/items", headers).isPresent() ? 1 : 0;
                matched += router.match("GET", "a.b.example.org", "/x", headers).isPresent() ? 1 : 0;
                matched += router.match("DELETE", "nomatch", "/", headers).isPresent() ? 1 : 0;
            }
            long allocated = threads.getThreadAllocatedBytes(id) - before;
            if (round == 1) {
                // A few hundred bytes of slack for the measuring itself; one allocation per call would be megabytes.
                assertThat(allocated).isLessThan(4096);
            }
        }
        assertThat(matched).isEqualTo(400_000);
    }
}
