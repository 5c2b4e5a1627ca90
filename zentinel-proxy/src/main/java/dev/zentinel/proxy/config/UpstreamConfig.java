package dev.zentinel.proxy.config;

import java.time.Duration;
import java.util.List;

public record UpstreamConfig(
        String name,
        List<HostPort> targets,
        LoadBalancing loadBalancing,
        Duration connectTimeout,
        Duration readTimeout,
        int maxIdlePerTarget,
        Duration idleTimeout) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_IDLE_PER_TARGET = 64;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

    public UpstreamConfig {
        targets = List.copyOf(targets);
    }
}
