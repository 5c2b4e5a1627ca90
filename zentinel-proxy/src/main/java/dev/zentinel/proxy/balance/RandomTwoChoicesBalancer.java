package dev.zentinel.proxy.balance;

import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * "Power of two choices": two distinct targets at random, the one with fewer requests in
 * flight wins (the first on a tie). Nearly as even as least-connections, but each pick reads
 * only two counters, and concurrent pickers do not all pile onto the same least-loaded target.
 */
final class RandomTwoChoicesBalancer implements LoadBalancer {

    private final Target[] targets;
    private final List<Target> targetList;
    /** bound -> uniform int in [0, bound); injectable so tests are deterministic. */
    private final IntUnaryOperator random;

    RandomTwoChoicesBalancer(List<Target> targets, IntUnaryOperator random) {
        this.targetList = List.copyOf(targets);
        this.targets = targetList.toArray(new Target[0]);
        this.random = random;
    }

    @Override
    public Target pick() {
        int n = targets.length;
        if (n == 1) {
            return targets[0];
        }
        int a = random.applyAsInt(n);
        // A draw from n-1 shifted past a gives a second index distinct from a, still uniform.
        int b = random.applyAsInt(n - 1);
        if (b >= a) {
            b++;
        }
        Target first = targets[a];
        Target second = targets[b];
        return second.active() < first.active() ? second : first;
    }

    @Override
    public List<Target> targets() {
        return targetList;
    }
}
