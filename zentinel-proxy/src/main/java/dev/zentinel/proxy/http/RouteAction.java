package dev.zentinel.proxy.http;

import dev.zentinel.proxy.upstream.UpstreamGroup;

/** What a matched route does: answer by itself, or forward to an upstream group. */
sealed interface RouteAction permits RouteAction.Respond, RouteAction.Forward {

    String routeName();

    record Respond(String routeName, FixedResponse response) implements RouteAction {
    }

    record Forward(String routeName, UpstreamGroup group) implements RouteAction {
    }
}
