package dev.zentinel.proxy.upstream;

import dev.zentinel.proxy.balance.Target;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

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

    void closeIdle() {
        loop.execute(() -> {
            List<TargetPool> all = new ArrayList<>(pools.values());
            all.forEach(TargetPool::closeIdle);
        });
    }
}
