package dev.zentinel.app.systemd;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Stands in for systemd's notify socket: a real datagram Unix socket that records every message. */
final class NotifySocket implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;
    private final List<String> messages;

    private NotifySocket(EventLoopGroup group, Channel channel, List<String> messages) {
        this.group = group;
        this.channel = channel;
        this.messages = messages;
    }

    static NotifySocket bind(Path path) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        List<String> sink = new CopyOnWriteArrayList<>();
        Channel channel = new Bootstrap()
                .group(group)
                .channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                        sink.add(packet.content().toString(StandardCharsets.UTF_8));
                    }
                })
                .bind(new DomainSocketAddress(path.toFile()))
                .sync()
                .channel();
        return new NotifySocket(group, channel, sink);
    }

    /** Every datagram received so far, in arrival order. */
    List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5_000);
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    }
}
