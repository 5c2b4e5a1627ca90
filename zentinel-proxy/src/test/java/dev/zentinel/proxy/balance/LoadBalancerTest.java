package dev.zentinel.proxy.balance;

import dev.zentinel.proxy.config.HostPort;
import dev.zentinel.proxy.config.LoadBalancing;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadBalancerTest {

    private static List<Target> targets(int n) {
        List<Target> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new Target(new HostPort("127.0.0.1", 9000 + i)));
        }
        return list;
    }

    @Test
    void roundRobinCyclesInOrder() {
        List<Target> targets = targets(3);
        LoadBalancer lb = LoadBalancer.create(LoadBalancing.ROUND_ROBIN, targets);
        List<Target> picks = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            picks.add(lb.pick());
        }
        assertThat(picks).containsExactly(targets.get(0), targets.get(1), targets.get(2), targets.get(0),
                targets.get(1), targets.get(2), targets.get(0));
        assertThat(lb.targets()).containsExactlyElementsOf(targets);
    }

    @Test
    void roundRobinIsExactlyEvenUnderConcurrency() throws Exception {
        List<Target> targets = targets(4);
        LoadBalancer lb = LoadBalancer.create(LoadBalancing.ROUND_ROBIN, targets);
        Map<Target, AtomicInteger> counts = new HashMap<>();
        targets.forEach(t -> counts.put(t, new AtomicInteger()));
        int threads = 4;
        int perThread = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        counts.get(lb.pick()).incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // The shared counter hands out every index once per cycle, whichever thread asks.
        counts.values().forEach(c -> assertThat(c.get()).isEqualTo(threads * perThread / targets.size()));
    }

    @Test
    void leastConnectionsPicksTheLeastBusy() {
        List<Target> targets = targets(3);
        LoadBalancer lb = LoadBalancer.create(LoadBalancing.LEAST_CONNECTIONS, targets);
        targets.get(0).acquire();
        targets.get(0).acquire();
        targets.get(1).acquire();
        for (int i = 0; i < 5; i++) {
            assertThat(lb.pick()).isSameAs(targets.get(2));
        }
        targets.get(2).acquire();
        targets.get(2).acquire();
        assertThat(lb.pick()).isSameAs(targets.get(1));
    }

    @Test
    void leastConnectionsRotatesAmongTies() {
        List<Target> targets = targets(3);
        LoadBalancer lb = LoadBalancer.create(LoadBalancing.LEAST_CONNECTIONS, targets);
        List<Target> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picks.add(lb.pick());
        }
        assertThat(picks).containsExactly(targets.get(0), targets.get(1), targets.get(2), targets.get(0),
                targets.get(1), targets.get(2));
    }

    @Test
    void leastConnectionsBalancesHeldRequests() {
        List<Target> targets = targets(4);
        LoadBalancer lb = LoadBalancer.create(LoadBalancing.LEAST_CONNECTIONS, targets);
        // Requests that stay in flight spread evenly: every target ends with the same count.
        for (int i = 0; i < 400; i++) {
            lb.pick().acquire();
        }
        targets.forEach(t -> assertThat(t.active()).isEqualTo(100));
    }

    @Test
    void randomTwoChoicesPrefersTheLessLoadedOfTwo() {
        List<Target> targets = targets(3);
        targets.get(0).acquire();
        // Scripted draws: first 0, then index 0 of the remaining [1, 2] -> target 1.
        int[] draws = {0, 0};
        AtomicInteger next = new AtomicInteger();
        LoadBalancer lb = new RandomTwoChoicesBalancer(targets, bound -> draws[next.getAndIncrement() % draws.length]);
        assertThat(lb.pick()).isSameAs(targets.get(1));
    }

    @Test
    void randomTwoChoicesTieKeepsTheFirstDraw() {
        List<Target> targets = targets(3);
        int[] draws = {2, 0};
        AtomicInteger next = new AtomicInteger();
        LoadBalancer lb = new RandomTwoChoicesBalancer(targets, bound -> draws[next.getAndIncrement() % draws.length]);
        assertThat(lb.pick()).isSameAs(targets.get(2));
    }

    @Test
    void randomTwoChoicesNeverPicksTheSameTargetTwice() {
        List<Target> targets = targets(2);
        targets.get(1).acquire();
        // Whatever the draws, the two candidates differ, so the busy target always loses.
        Random random = new Random(42);
        LoadBalancer lb = new RandomTwoChoicesBalancer(targets, random::nextInt);
        for (int i = 0; i < 1000; i++) {
            assertThat(lb.pick()).isSameAs(targets.get(0));
        }
    }

    @Test
    void randomTwoChoicesSpreadsHeldRequestsEvenly() {
        List<Target> targets = targets(10);
        LoadBalancer lb = new RandomTwoChoicesBalancer(targets, new Random(7)::nextInt);
        for (int i = 0; i < 10_000; i++) {
            lb.pick().acquire();
        }
        // With two choices the maximum load stays within a few of the mean (1000), deterministic with this seed.
        int max = targets.stream().mapToInt(Target::active).max().orElseThrow();
        int min = targets.stream().mapToInt(Target::active).min().orElseThrow();
        assertThat(max - min).isLessThanOrEqualTo(3);
    }

    @Test
    void randomTwoChoicesWithTheDefaultRandomReachesEveryTarget() {
        List<Target> targets = targets(5);
        LoadBalancer lb = LoadBalancer.create(LoadBalancing.RANDOM_TWO_CHOICES, targets);
        Map<Target, Integer> counts = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            counts.merge(lb.pick(), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys(targets);
    }

    @Test
    void singleTargetIsAlwaysPicked() {
        for (LoadBalancing strategy : LoadBalancing.values()) {
            List<Target> one = targets(1);
            LoadBalancer lb = LoadBalancer.create(strategy, one);
            for (int i = 0; i < 3; i++) {
                assertThat(lb.pick()).isSameAs(one.get(0));
            }
        }
    }

    @Test
    void emptyTargetsAreRejected() {
        assertThatThrownBy(() -> LoadBalancer.create(LoadBalancing.ROUND_ROBIN, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void targetCountsInFlightRequestsAndNeverGoesNegative() {
        Target t = new Target(new HostPort("localhost", 80));
        t.acquire();
        t.acquire();
        t.release();
        assertThat(t.active()).isEqualTo(1);
        t.release();
        t.release();
        assertThat(t.active()).isZero();
        assertThat(t.socketAddress().isUnresolved()).isFalse();
        assertThat(t.socketAddress().getPort()).isEqualTo(80);
        assertThat(t.address()).isEqualTo(new HostPort("localhost", 80));
    }

    @Test
    void roundRobinSurvivesCounterWrapAround() {
        List<Target> targets = targets(3);
        RoundRobinBalancer lb = new RoundRobinBalancer(targets, Integer.MAX_VALUE - 1);
        // MAX-1 and MAX (mod 3: 0, 1), then the counter wraps to MIN_VALUE, masked to 0.
        List<Target> picks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            picks.add(lb.pick());
        }
        assertThat(picks).containsExactly(targets.get(0), targets.get(1), targets.get(0), targets.get(1));
    }
}
