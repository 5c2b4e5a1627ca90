package dev.zentinel.proxy.upstream;

import dev.zentinel.proxy.balance.Target;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The upstream connection pools of one event loop, one {@link TargetPool} per target. Loop-confined. */
public final class UpstreamPools {

    private final EventLoop loop;
    private final Class<? extends Channel> channelClass;
    private final Map<Target, TargetPool> pools = new IdentityHashMap<>();

    UpstreamPools(EventLoop loop, Class<? extends Channel> channelClass) {
        this.loop = loop;
        this.channelClass = channelClass;
    }

    /** The pool for {@code target} of {@code group}; created on first use. */
    public TargetPool pool(UpstreamGroup group, Target target) {
        TargetPool pool = pools.get(target);
        if (pool == null) {
            pool = new TargetPool(loop, channelClass, group, target);
            pools.put(target, pool);
        }
        return pool;
    }

    /** Pre-connects {@code perTarget} connections to every target of every group; runs on this loop. */
    CompletableFuture<Preconnected> preconnect(Collection<UpstreamGroup> groups, int perTarget) {
        CompletableFuture<Preconnected> done = new CompletableFuture<>();
        loop.execute(() -> {
            List<CompletableFuture<Preconnected>> all = new ArrayList<>();
            for (UpstreamGroup group : groups) {
                for (Target target : group.balancer().targets()) {
                    all.add(pool(group, target).preconnect(perTarget));
                }
            }
            Upstreams.sum(all).whenComplete((sum, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                } else {
                    done.complete(sum);
                }
            });
        });
        return done;
    }

    void closeIdle() {
        loop.execute(() -> {
            List<TargetPool> all = new ArrayList<>(pools.values());
            all.forEach(TargetPool::closeIdle);
        });
    }
}
