package dev.zentinel.handoff;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Test helper: real listening TCP sockets whose accepted connections are answered with a fixed greeting. */
final class TcpListeners {

    private TcpListeners() {
    }

    /** Binds a new listener on 127.0.0.1 (ephemeral port) that writes {@code greeting} to each client and closes. */
    static Channel bind(EventLoopGroup group, String greeting) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childHandler(greeter(greeting))
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** Registers an adopted (already listening) channel so it starts accepting, answering with {@code greeting}. */
    static Channel register(EventLoopGroup group, ServerChannel adopted, String greeting) throws InterruptedException {
        return new ServerBootstrap().group(group).channelFactory(() -> adopted)
                .childHandler(greeter(greeting))
                .register().sync().channel();
    }

    static String address(Channel ch) {
        InetSocketAddress a = (InetSocketAddress) ch.localAddress();
        return "127.0.0.1:" + a.getPort();
    }

    static int port(Channel ch) {
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    private static ChannelInitializer<SocketChannel> greeter(String greeting) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(Unpooled.copiedBuffer(greeting + "\n", StandardCharsets.US_ASCII))
                                .addListener(ChannelFutureListener.CLOSE);
                    }
                });
            }
        };
    }

    /** Connects with a plain blocking socket and returns the first line the server sends. */
    static String greetingAt(int port) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(20_000);
            return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }
}
