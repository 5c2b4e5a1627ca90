package dev.zentinel.proxy.config;

/** Load-balancing strategies; the YAML spelling is {@link #configName()}. */
public enum LoadBalancing {
    ROUND_ROBIN("round-robin"),
    LEAST_CONNECTIONS("least-connections"),
    RANDOM_TWO_CHOICES("random-two-choices");

    private final String configName;

    LoadBalancing(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
