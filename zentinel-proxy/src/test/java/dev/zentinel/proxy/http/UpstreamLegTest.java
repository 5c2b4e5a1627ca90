package dev.zentinel.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zentinel.proxy.config.HostPort;
import dev.zentinel.proxy.config.LoadBalancing;
import dev.zentinel.proxy.config.UpstreamConfig;
import dev.zentinel.proxy.upstream.ResponseFields;
import dev.zentinel.proxy.upstream.UpstreamConnection;
import dev.zentinel.proxy.upstream.UpstreamExchange;
import dev.zentinel.proxy.upstream.UpstreamFailure;
import dev.zentinel.proxy.upstream.UpstreamGroup;
import dev.zentinel.proxy.upstream.UpstreamPools;
import dev.zentinel.proxy.upstream.UpstreamResponseHead;
import dev.zentinel.proxy.upstream.Upstreams;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The upstream side of an exchange against real sockets: connect attempts, body held while connecting, release. */
class UpstreamLegTest {

    private static final long WAIT_SECONDS = 30;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = group.next();
    private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
    private final UpstreamLeg leg = new UpstreamLeg();
    /** Connects the leg started, in the order they completed. */
    private final LinkedBlockingQueue<ChannelFuture> connects = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void bodyArrivingWhileConnectingFollowsTheHeadOnceBound() throws Exception {
        try (ServerSocket origin = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Upstreams upstreams = upstreams(origin.getLocalPort());
            UpstreamPools pools = upstreams.poolsFor(loop);
            UpstreamConnection pooled = onLoop(() -> {
                leg.begin(upstreams.group("app"), false);
                return leg.acquire(pools, connects::add);
            });
            assertThat(pooled).as("nothing pooled yet: a connect is started").isNull();
            HttpContent first = content("abc", false);
            HttpContent last = content("def", true);
            assertThat(onLoop(() -> leg.send(first, alloc, 0))).as("held, not written").isFalse();
            assertThat(onLoop(() -> leg.send(last, alloc, 0))).isFalse();

            ChannelFuture connected = connects.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(connected).isNotNull();
            assertThat(connected.isSuccess()).isTrue();
            onLoop(() -> {
                assertThat(leg.awaited(connected)).isTrue();
                leg.bind(UpstreamConnection.of(connected.channel()), new NoResponse(), false,
                        Unpooled.copiedBuffer("HEAD\r\n\r\n", StandardCharsets.US_ASCII), alloc);
                leg.flush();
                return null;
            });
            try (Socket accepted = origin.accept()) {
                accepted.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                assertThat(readExactly(accepted.getInputStream(), "HEAD\r\n\r\nabcdef".length()))
                        .isEqualTo("HEAD\r\n\r\nabcdef");
            }
            assertThat(first.refCnt()).isZero();
            assertThat(last.refCnt()).isZero();
            onLoop(() -> {
                leg.abort();
                return null;
            });
        }
    }

    @Test
    void refusedConnectsArePassedOverUntilTheAttemptsRunOutAndHeldBodyIsReleasedOnAbort() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Upstreams upstreams = upstreams(closedPort);
        UpstreamPools pools = upstreams.poolsFor(loop);
        UpstreamGroup refusing = upstreams.group("app");
        HttpContent held = content("body", false);
        onLoop(() -> {
            leg.begin(refusing, false);
            leg.acquire(pools, connects::add);
            return leg.send(held, alloc, 0);
        });
        int allowedAgain = 0;
        for (int attempt = 1; attempt <= refusing.connectAttempts(); attempt++) {
            ChannelFuture failed = connects.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(failed).isNotNull();
            assertThat(failed.isSuccess()).isFalse();
            boolean again = onLoop(() -> leg.awaited(failed) && leg.connectFailed());
            if (again) {
                allowedAgain++;
                onLoop(() -> leg.acquire(pools, connects::add));
            }
        }
        assertThat(allowedAgain).isEqualTo(refusing.connectAttempts() - 1);
        assertThat(held.refCnt()).as("kept for a connect that may still succeed").isEqualTo(1);
        onLoop(() -> {
            leg.abort();
            return null;
        });
        assertThat(held.refCnt()).isZero();
    }

    @Test
    void aConnectForAnExchangeThatMovedOnIsNotAwaited() throws Exception {
        try (ServerSocket origin = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Upstreams upstreams = upstreams(origin.getLocalPort());
            UpstreamPools pools = upstreams.poolsFor(loop);
            onLoop(() -> {
                leg.begin(upstreams.group("app"), false);
                leg.acquire(pools, connects::add);
                leg.abort();
                return null;
            });
            ChannelFuture late = connects.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(late).isNotNull();
            assertThat(onLoop(() -> leg.awaited(late))).isFalse();
            late.channel().close().syncUninterruptibly();
        }
    }

    @Test
    void bodyWithNoUpstreamLeftIsReleasedAndThereIsNothingToReplay() throws Exception {
        HttpContent orphan = content("late", true);
        assertThat(onLoop(() -> leg.send(orphan, alloc, 0))).isFalse();
        assertThat(orphan.refCnt()).isZero();
        assertThat(onLoop(() -> leg.replayAfter(leg.dropFailed()))).isFalse();
    }

    private static Upstreams upstreams(int port) {
        UpstreamConfig app = new UpstreamConfig("app", List.of(new HostPort("127.0.0.1", port)), LoadBalancing.ROUND_ROBIN,
                Duration.ofSeconds(5), Duration.ofSeconds(10), 4, Duration.ofSeconds(10));
        return new Upstreams(List.of(app), NioSocketChannel.class);
    }

    private static HttpContent content(String text, boolean last) {
        ByteBuf data = Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
        return last ? new DefaultLastHttpContent(data) : new DefaultHttpContent(data);
    }

    private <T> T onLoop(Callable<T> work) throws Exception {
        return loop.submit(work).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static String readExactly(InputStream in, int length) throws Exception {
        byte[] bytes = in.readNBytes(length);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** An exchange the origin never answers in these tests. */
    private static final class NoResponse implements UpstreamExchange {
        @Override public void onInterimResponse(UpstreamResponseHead head) { }
        @Override public void onResponseHead(UpstreamResponseHead head) { }
        @Override public void onResponseBody(ByteBuf piece) {
            piece.release();
        }
        @Override public void onResponseEnd(ResponseFields trailers) { }
        @Override public void onUpstreamReadComplete() { }
        @Override public void onUpstreamFailure(UpstreamFailure failure) { }
        @Override public void onUpstreamWritable() { }
    }
}
