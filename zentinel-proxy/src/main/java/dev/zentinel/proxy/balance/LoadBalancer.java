package dev.zentinel.proxy.balance;

import dev.zentinel.proxy.config.LoadBalancing;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the target for the next request of one upstream. Implementations are thread-safe and
 * lock-free: one instance serves all event loops.
 */
public interface LoadBalancer {

    /** The target for the next request; never null. */
    Target pick();

    /** All targets, in configuration order. */
    List<Target> targets();

    static LoadBalancer create(LoadBalancing strategy, List<Target> targets) {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(targets, "targets");
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("an upstream needs at least one target");
        }
        switch (strategy) {
            case ROUND_ROBIN:
                return new RoundRobinBalancer(targets);
            case LEAST_CONNECTIONS:
                return new LeastConnectionsBalancer(targets);
            case RANDOM_TWO_CHOICES:
                return new RandomTwoChoicesBalancer(targets, bound -> ThreadLocalRandom.current().nextInt(bound));
            default:
                throw new IllegalArgumentException("unknown load-balancing strategy " + strategy);
        }
    }
}
