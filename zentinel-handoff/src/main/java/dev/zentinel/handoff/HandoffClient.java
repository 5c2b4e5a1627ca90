package dev.zentinel.handoff;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** New side: connects to the running process's handoff socket and receives listeners and state. */
public final class HandoffClient {

    private HandoffClient() {
    }

    /**
     * Connects, checks the old peer's uid equals ours, sends HELLO (our pid, version, readable
     * protocol and snapshot versions), receives OFFER and SNAPSHOT, then switches to
     * FILE_DESCRIPTORS read mode, asks for the descriptors and receives exactly as many as offered
     * (lock-step). Completes exceptionally with a {@link HandoffException} saying why otherwise;
     * descriptors received before a failure are closed.
     */
    public static CompletableFuture<IncomingHandoff> connect(Path socketPath, EventLoopGroup group, HandoffLimits limits,
                                                             String ownVersion) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(limits, "limits");
        CompletableFuture<IncomingHandoff> result = new CompletableFuture<>();
        DomainSocketTransport transport;
        try {
            transport = DomainSocketTransport.detect();
        } catch (HandoffException e) {
            result.completeExceptionally(e);
            return result;
        }
        Path path = socketPath.toAbsolutePath();
        String version = ownVersion == null ? "unknown" : ownVersion;
        int ownUid = ProcessIdentity.uid();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(transport.channelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, limits.ioTimeout().toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new FrameDecoder(limits.maxFrameBytes()), new FrameEncoder(),
                                new PredecessorConnectionHandler(transport, limits, version, ownUid, path, result));
                    }
                });
        try {
            bootstrap.connect(new DomainSocketAddress(path.toString())).addListener((ChannelFuture f) -> {
                if (!f.isSuccess()) {
                    result.completeExceptionally(new HandoffException("cannot connect to handoff socket " + path + ": " + f.cause(), f.cause()));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(new HandoffException("cannot connect to handoff socket " + path + ": " + e, e));
        }
        return result;
    }
}
