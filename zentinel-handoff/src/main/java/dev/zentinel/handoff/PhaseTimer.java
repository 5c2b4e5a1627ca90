package dev.zentinel.handoff;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** One pending deadline on a connection's event loop; arming it again replaces the previous one. */
final class PhaseTimer {

    private ScheduledFuture<?> pending;

    void arm(ChannelHandlerContext ctx, Duration timeout, String waitingFor, Consumer<String> onExpiry) {
        cancel();
        pending = ctx.executor().schedule(() -> onExpiry.accept("no " + waitingFor + " within " + timeout.toMillis() + " ms"),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
