package dev.zentinel.proxy.config;

import java.util.Map;

/** A fixed response served by the proxy itself. */
public record RespondConfig(int status, String body, Map<String, String> headers) {

    public RespondConfig {
        headers = Map.copyOf(headers);
    }
}
