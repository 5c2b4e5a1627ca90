package dev.zentinel.proxy.http;

import dev.zentinel.proxy.balance.LoadBalancer;
import dev.zentinel.proxy.balance.Target;
import java.util.List;

/**
 * Which target one request goes to, across its connect attempts: the balancer's choice, except
 * a target a connect already failed to for this request, which is passed over for the next one
 * that did not fail (the last two failures are remembered: a request makes at most three
 * attempts, one per target).
 */
final class TargetChoice {

    private Target failed;
    private Target earlierFailed;
    private int attempts;

    /** A new request: no attempts, no failures. */
    void reset() {
        failed = null;
        earlierFailed = null;
        attempts = 0;
    }

    Target pick(LoadBalancer balancer) {
        Target picked = balancer.pick();
        if (!hasFailed(picked)) {
            return picked;
        }
        List<Target> all = balancer.targets();
        int start = all.indexOf(picked);
        for (int i = 1; i <= all.size(); i++) {
            Target next = all.get((start + i) % all.size());
            if (!hasFailed(next)) {
                return next;
            }
        }
        return picked;
    }

    /** A connect is starting. */
    void attempt() {
        attempts++;
    }

    int attempts() {
        return attempts;
    }

    /** A connect to {@code target} failed. */
    void failed(Target target) {
        earlierFailed = failed;
        failed = target;
    }

    private boolean hasFailed(Target t) {
        return t == failed || t == earlierFailed;
    }
}
