package dev.zentinel.proxy.upstream;

import dev.zentinel.proxy.config.UpstreamConfig;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All configured upstreams plus their per-event-loop connection pools. A client connection
 * looks up its loop's {@link UpstreamPools} once and then uses it without any locking: upstream
 * connections are created on, and only ever used from, the event loop of the client that
 * caused them.
 */
public final class Upstreams {

    private final Map<String, UpstreamGroup> groups;
    private final Class<? extends Channel> channelClass;
    private final Map<EventLoop, UpstreamPools> poolsByLoop = new ConcurrentHashMap<>();

    public Upstreams(List<UpstreamConfig> configs, Class<? extends Channel> channelClass) {
        Map<String, UpstreamGroup> byName = new LinkedHashMap<>();
        for (UpstreamConfig config : configs) {
            byName.put(config.name(), new UpstreamGroup(config));
        }
        this.groups = Map.copyOf(byName);
        this.channelClass = channelClass;
    }

    /** The group of that name, or null. */
    public UpstreamGroup group(String name) {
        return groups.get(name);
    }

    /** The pools owned by {@code loop}; call from that loop. */
    public UpstreamPools poolsFor(EventLoop loop) {
        return poolsByLoop.computeIfAbsent(loop, l -> new UpstreamPools(l, channelClass));
    }

    /**
     * Opens {@code perTarget} connections to every target on every loop of {@code loops} (cut to
     * each upstream's max-idle-per-target) and parks them in the pools, so that the first
     * requests after a start or hand-over do not all wait for a connect. Failures are only
     * counted: a request later connects as usual. Completes when every attempt has ended (each is
     * bounded by its upstream's connect-timeout).
     */
    public CompletableFuture<Preconnected> preconnect(EventLoopGroup loops, int perTarget) {
        if (perTarget <= 0 || groups.isEmpty()) {
            return CompletableFuture.completedFuture(Preconnected.NONE);
        }
        List<CompletableFuture<Preconnected>> all = new ArrayList<>();
        for (EventExecutor executor : loops) {
            all.add(poolsFor((EventLoop) executor).preconnect(groups.values(), perTarget));
        }
        return sum(all);
    }

    static CompletableFuture<Preconnected> sum(List<CompletableFuture<Preconnected>> parts) {
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            Preconnected total = Preconnected.NONE;
            for (CompletableFuture<Preconnected> part : parts) {
                total = total.plus(part.join());
            }
            return total;
        });
    }

    /** Closes every idle pooled connection (in-use ones end with their exchange). */
    public void closeIdle() {
        poolsByLoop.values().forEach(UpstreamPools::closeIdle);
    }
}
