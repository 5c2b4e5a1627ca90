package dev.zentinel.proxy.upstream;

import dev.zentinel.proxy.balance.LoadBalancer;
import dev.zentinel.proxy.balance.Target;
import dev.zentinel.proxy.config.UpstreamConfig;
import java.util.ArrayList;
import java.util.List;

/** One configured upstream: its targets, balancer and timeouts. Shared by all event loops. */
public final class UpstreamGroup {

    /** Connect attempts per request when targets refuse or time out (bounded by the target count). */
    static final int MAX_CONNECT_ATTEMPTS = 3;

    private final UpstreamConfig config;
    private final LoadBalancer balancer;
    private final int connectAttempts;

    public UpstreamGroup(UpstreamConfig config) {
        this.config = config;
        List<Target> targets = new ArrayList<>(config.targets().size());
        config.targets().forEach(hp -> targets.add(new Target(hp)));
        this.balancer = LoadBalancer.create(config.loadBalancing(), targets);
        this.connectAttempts = Math.min(MAX_CONNECT_ATTEMPTS, targets.size());
    }

    public String name() {
        return config.name();
    }

    public UpstreamConfig config() {
        return config;
    }

    public LoadBalancer balancer() {
        return balancer;
    }

    /** How many different targets one request may try to connect to before giving up. */
    public int connectAttempts() {
        return connectAttempts;
    }
}
