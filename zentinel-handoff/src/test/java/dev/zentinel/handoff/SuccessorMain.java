package dev.zentinel.handoff;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A successor in its own JVM: takes over every offered listener, answers each connection with
 * "successor PID", reports READY and serves until killed (or a safety bound passes, so a broken
 * test run never leaves it behind). Usage: SuccessorMain SOCKET_PATH VERSION
 */
public final class SuccessorMain {

    private static final long SAFETY_BOUND_SECONDS = 120;

    private SuccessorMain() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        String greeting = "successor " + ProcessHandle.current().pid();
        try {
            IncomingHandoff in = HandoffClient.connect(Path.of(args[0]), group, HandoffLimits.defaults(), args[1])
                    .get(60, TimeUnit.SECONDS);
            List<Channel> serving = new ArrayList<>();
            List<String> adopted = new ArrayList<>();
            for (InheritedListener l : in.listeners()) {
                serving.add(TcpListeners.register(group, ListenerAdopter.adopt(l.fd(), l.entry()), greeting));
                adopted.add(l.entry().name());
            }
            in.closeUnadopted(adopted);
            in.ready(args[1], Duration.ofNanos(System.nanoTime() - started)).get(60, TimeUnit.SECONDS);
            System.err.println("SuccessorMain: acknowledged, serving generation " + (in.generation() + 1));
            new CountDownLatch(1).await(SAFETY_BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("SuccessorMain: handoff failed: " + e);
            System.exit(3);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
