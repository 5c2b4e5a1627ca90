package dev.zentinel.handoff.systemd;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Test stand-in for systemd's notify socket: a real bound AF_UNIX datagram socket that records every
 * datagram it receives, in order.
 */
final class NotifySocketListener implements AutoCloseable {

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>(10_000);
    private final Channel channel;
    private final String notifySocketValue;

    private NotifySocketListener(EventLoopGroup group, DomainSocketAddress address, String notifySocketValue)
            throws InterruptedException {
        this.notifySocketValue = notifySocketValue;
        this.channel = new Bootstrap()
                .group(group)
                .channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                        if (!received.offer(packet.content().toString(StandardCharsets.UTF_8))) {
                            throw new IllegalStateException("test listener queue full");
                        }
                    }
                })
                .bind(address).sync().channel();
    }

    /** Binds a filesystem socket at the given path. */
    static NotifySocketListener atPath(EventLoopGroup group, String path) throws InterruptedException {
        return new NotifySocketListener(group, new DomainSocketAddress(path), path);
    }

    /** Binds an abstract socket; its NOTIFY_SOCKET spelling is "@" + name. */
    static NotifySocketListener abstractNamed(EventLoopGroup group, String name) throws InterruptedException {
        return new NotifySocketListener(group, new DomainSocketAddress("\0" + name), "@" + name);
    }

    /** The value to put into NOTIFY_SOCKET. */
    String notifySocket() {
        return notifySocketValue;
    }

    /** The next datagram, or null if none arrives within the timeout. */
    String next(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Datagrams received and not yet taken. */
    int pending() {
        return received.size();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
