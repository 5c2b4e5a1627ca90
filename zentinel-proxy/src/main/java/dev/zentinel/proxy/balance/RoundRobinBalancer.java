package dev.zentinel.proxy.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Each target in turn. */
final class RoundRobinBalancer implements LoadBalancer {

    private final Target[] targets;
    private final List<Target> targetList;
    private final AtomicInteger next;

    RoundRobinBalancer(List<Target> targets) {
        this(targets, 0);
    }

    /** @param start the counter's initial value (tests drive it across the int overflow) */
    RoundRobinBalancer(List<Target> targets, int start) {
        this.targetList = List.copyOf(targets);
        this.targets = targetList.toArray(new Target[0]);
        this.next = new AtomicInteger(start);
    }

    @Override
    public Target pick() {
        if (targets.length == 1) {
            return targets[0];
        }
        // Masking keeps the index non-negative after the counter wraps past Integer.MAX_VALUE.
        return targets[(next.getAndIncrement() & Integer.MAX_VALUE) % targets.length];
    }

    @Override
    public List<Target> targets() {
        return targetList;
    }
}
