package dev.zentinel.proxy.http;

import dev.zentinel.proxy.metrics.ProxyMetrics;
import dev.zentinel.proxy.upstream.UpstreamGroup;

/** What a matched route does: answer by itself, or forward to an upstream group. */
sealed interface RouteAction permits RouteAction.Respond, RouteAction.Forward {

    String routeName();

    /** Where this route's requests are counted. */
    ProxyMetrics.RouteRecorder metrics();

    record Respond(String routeName, ProxyMetrics.RouteRecorder metrics, FixedResponse response) implements RouteAction {
    }

    record Forward(String routeName, ProxyMetrics.RouteRecorder metrics, UpstreamGroup group) implements RouteAction {
    }
}
