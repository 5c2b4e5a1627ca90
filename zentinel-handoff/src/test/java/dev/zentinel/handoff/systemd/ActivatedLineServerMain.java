package dev.zentinel.handoff.systemd;

import dev.zentinel.handoff.ListenerAdopter;
import dev.zentinel.handoff.ListenerEntry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process run under systemd-socket-activate by {@link SocketActivationEndToEndTest}: it finds its
 * activated socket, adopts it (never binds), announces MAINPID+READY on NOTIFY_SOCKET and answers every
 * connection with one line naming the fd, its name and this pid. Argument: the configured address.
 */
public final class ActivatedLineServerMain {

    private ActivatedLineServerMain() {
    }

    public static void main(String[] args) throws Exception {
        String address = args[0];
        long pid = ProcessHandle.current().pid();
        Map<String, String> env = System.getenv();
        ListenerEntry http = new ListenerEntry("http", address);
        Map<String, ActivatedSocket> matched =
                SocketActivation.match(SocketActivation.fromEnvironment(env, pid), List.of(http));
        ActivatedSocket socket = matched.get("http");
        if (socket == null) {
            System.err.println("no activated socket for listener http; environment: LISTEN_PID=" + env.get("LISTEN_PID")
                    + " LISTEN_FDS=" + env.get("LISTEN_FDS"));
            System.exit(2);
        }
        String line = "fd=" + socket.fdNumber() + " name=" + socket.name() + " pid=" + pid + "\n";
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ServerChannel listener = ListenerAdopter.adopt(socket.fd(), http);
        new ServerBootstrap()
                .group(group)
                .channelFactory(() -> listener)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII))
                                .addListener(ChannelFutureListener.CLOSE);
                    }

                    @Override
                    public boolean isSharable() {
                        return true;
                    }
                })
                .register().sync();
        try (SdNotifier notifier = SdNotifier.fromEnvironment(env, group).orElseThrow()) {
            notifier.mainPidReady(pid, "serving http on " + address).get(30, TimeUnit.SECONDS);
        }
        listener.closeFuture().sync();
    }
}
