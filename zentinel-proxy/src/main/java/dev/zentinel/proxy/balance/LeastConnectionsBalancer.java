package dev.zentinel.proxy.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The target with the fewest requests in flight. The scan starts at a rotating offset, so
 * targets with equal counts take turns instead of the first one getting every request.
 * The counts are read without a lock: concurrent picks may see the same minimum, which only
 * makes the choice slightly less than perfect, never wrong.
 */
final class LeastConnectionsBalancer implements LoadBalancer {

    private final Target[] targets;
    private final List<Target> targetList;
    private final AtomicInteger start = new AtomicInteger();

    LeastConnectionsBalancer(List<Target> targets) {
        this.targetList = List.copyOf(targets);
        this.targets = targetList.toArray(new Target[0]);
    }

    @Override
    public Target pick() {
        int n = targets.length;
        if (n == 1) {
            return targets[0];
        }
        int offset = (start.getAndIncrement() & Integer.MAX_VALUE) % n;
        Target best = targets[offset];
        int bestActive = best.active();
        for (int i = 1; i < n && bestActive > 0; i++) {
            Target candidate = targets[(offset + i) % n];
            int active = candidate.active();
            if (active < bestActive) {
                best = candidate;
                bestActive = active;
            }
        }
        return best;
    }

    @Override
    public List<Target> targets() {
        return targetList;
    }
}
