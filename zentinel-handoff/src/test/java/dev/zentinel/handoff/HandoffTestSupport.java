package dev.zentinel.handoff;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.UnixChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Shared fixture: an epoll event loop group, a private runtime directory, and tidy-up of what a test opened. */
abstract class HandoffTestSupport {

    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    EventLoopGroup group;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void startGroup() {
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    }

    @AfterEach
    void stopGroup() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    Path socketPath() {
        return tmp.resolve("run").resolve("handoff.sock");
    }

    HandoffListener listen(HandoffAcceptor acceptor) throws Exception {
        return listen(acceptor, HandoffLimits.defaults());
    }

    HandoffListener listen(HandoffAcceptor acceptor, HandoffLimits limits) throws Exception {
        HandoffListener l = await(HandoffListener.bind(socketPath(), group, limits, acceptor));
        toClose.add(l);
        return l;
    }

    IncomingHandoff connect() throws Exception {
        return connect(HandoffLimits.defaults());
    }

    IncomingHandoff connect(HandoffLimits limits) throws Exception {
        IncomingHandoff in = await(HandoffClient.connect(socketPath(), group, limits, "test-successor"));
        toClose.add(in);
        return in;
    }

    /** A real listening TCP socket answering "old"; closed after the test. */
    Channel oldTcpListener() throws InterruptedException {
        Channel ch = TcpListeners.bind(group, "old");
        toClose.add(() -> ch.close().syncUninterruptibly());
        return ch;
    }

    static InheritedListener inherited(String name, Channel listener) {
        return new InheritedListener(new ListenerEntry(name, TcpListeners.address(listener)), ((UnixChannel) listener).fd());
    }

    static HandoffOffer offerOf(long generation, InheritedListener... listeners) {
        return new HandoffOffer(generation, List.of(listeners), new StateSnapshot(generation, Map.of("c", 1.0), Map.of()));
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Waits for the future to fail and returns the cause (unwrapped from ExecutionException). */
    static Throwable failureOf(CompletableFuture<?> f) {
        try {
            f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("expected the future to fail, but: " + e, e);
        }
        throw new AssertionError("expected the future to fail, but it completed normally");
    }
}
