package dev.zentinel.handoff;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An old process in its own JVM: serves one TCP listener ("predecessor") and offers it on the
 * handoff socket. Prints "PORT n" once both are up, then runs until killed (or a safety bound
 * passes). Usage: PredecessorMain SOCKET_PATH
 */
public final class PredecessorMain {

    private static final long SAFETY_BOUND_SECONDS = 120;

    private PredecessorMain() {
    }

    public static void main(String[] args) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        Channel listener = TcpListeners.bind(group, "predecessor");
        InheritedListener offered = HandoffTestSupport.inherited("main", listener);
        HandoffAcceptor acceptor = new HandoffAcceptor() {
            @Override
            public HandoffOffer offer(PeerInfo peer) {
                return new HandoffOffer(11, List.of(offered), new StateSnapshot(11, Map.of("requests_total", 5.0), Map.of()));
            }

            @Override
            public void started(HandoffSession session) {
                System.err.println("PredecessorMain: session with pid " + session.peer().pid());
            }
        };
        HandoffListener.bind(Path.of(args[0]), group, HandoffLimits.defaults(), acceptor).get(60, TimeUnit.SECONDS);
        System.out.println("PORT " + TcpListeners.port(listener));
        System.out.flush();
        new CountDownLatch(1).await(SAFETY_BOUND_SECONDS, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
