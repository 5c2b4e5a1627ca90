package dev.zentinel.handoff;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * New side of the handoff connection. The descriptor exchange is lock-step: the read mode is
 * switched to FILE_DESCRIPTORS before SEND_FDS goes out, exactly N descriptors are read, then the
 * mode is switched back to BYTES before FDS_RECEIVED goes out; the predecessor sends nothing else
 * in between, so bytes and descriptors never mix.
 */
final class PredecessorConnectionHandler extends SimpleChannelInboundHandler<Object> {

    private static final Logger log = LoggerFactory.getLogger(PredecessorConnectionHandler.class);

    private enum Phase { AWAIT_OFFER, AWAIT_SNAPSHOT, AWAIT_FDS, HANDED_OVER, AWAIT_READY_ACK, DONE }

    private final DomainSocketTransport transport;
    private final HandoffLimits limits;
    private final String ownVersion;
    private final int ownUid;
    private final Path socketPath;
    private final CompletableFuture<IncomingHandoff> result;
    private final PhaseTimer ioTimer = new PhaseTimer();
    private final List<FileDescriptor> received = new ArrayList<>();

    private ChannelHandlerContext ctx;
    private Phase phase = Phase.AWAIT_OFFER;
    private PeerInfo predecessor;
    private Messages.Offer offer;
    private StateSnapshot snapshot;
    private CompletableFuture<Void> readyAck;
    private String abortReason;

    PredecessorConnectionHandler(DomainSocketTransport transport, HandoffLimits limits, String ownVersion, int ownUid,
                                 Path socketPath, CompletableFuture<IncomingHandoff> result) {
        super(Object.class);
        this.transport = transport;
        this.limits = limits;
        this.ownVersion = ownVersion;
        this.ownUid = ownUid;
        this.socketPath = socketPath;
        this.result = result;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        try {
            predecessor = DomainSocketTransport.peerInfo(transport.peerCredentials(ctx.channel()));
        } catch (IOException e) {
            failHandshake("cannot read the credentials of the process behind " + socketPath + ": " + e.getMessage());
            return;
        }
        if (predecessor.uid() != ownUid) {
            failHandshake("the process behind " + socketPath + " (pid " + predecessor.pid() + ") runs as uid " + predecessor.uid()
                    + ", not our uid " + ownUid + "; refusing its sockets");
            return;
        }
        Messages.Hello hello = new Messages.Hello(ProcessIdentity.pid(), ownVersion, Protocol.SUPPORTED_VERSIONS,
                SnapshotCodec.READABLE_VERSIONS);
        ctx.writeAndFlush(Messages.frame(Protocol.BOOTSTRAP_VERSION, MessageType.HELLO, hello))
                .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        ioTimer.arm(ctx, limits.ioTimeout(), "OFFER from pid " + predecessor.pid(), this::failHandshake);
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.DONE) {
            // Already failed or finished; whatever is still in flight is dropped.
            if (msg instanceof FileDescriptor fd) {
                closeQuietly(fd);
            }
            return;
        }
        try {
            if (msg instanceof FileDescriptor fd) {
                onDescriptor(fd);
                return;
            }
            Frame frame = (Frame) msg;
            if (frame.type() == MessageType.ABORT) {
                onAbort(Messages.readReason(frame));
                return;
            }
            switch (phase) {
                case AWAIT_OFFER -> onOfferOrRefused(frame);
                case AWAIT_SNAPSHOT -> onSnapshot(expect(frame, MessageType.SNAPSHOT));
                case AWAIT_READY_ACK -> onReadyAck(expect(frame, MessageType.READY_ACK));
                default -> throw new HandoffProtocolException("unexpected " + frame.type() + " while in phase " + phase);
            }
        } catch (HandoffProtocolException e) {
            protocolError(e.getMessage());
        }
    }

    private Frame expect(Frame frame, MessageType type) throws HandoffProtocolException {
        if (frame.type() != type) {
            throw new HandoffProtocolException("expected " + type + " but got " + frame.type());
        }
        if (frame.version() != offer.protocolVersion()) {
            throw new HandoffProtocolException(type + " in protocol version " + frame.version() + ", negotiated " + offer.protocolVersion());
        }
        return frame;
    }

    private void onOfferOrRefused(Frame frame) throws HandoffProtocolException {
        if (frame.type() == MessageType.REFUSED) {
            failHandshake("refused by pid " + predecessor.pid() + ": " + Messages.readReason(frame));
            return;
        }
        if (frame.type() != MessageType.OFFER) {
            throw new HandoffProtocolException("expected OFFER or REFUSED but got " + frame.type());
        }
        Messages.Offer o = Messages.readOffer(frame);
        if (!Protocol.SUPPORTED_VERSIONS.contains(o.protocolVersion()) || frame.version() != o.protocolVersion()) {
            throw new HandoffProtocolException("OFFER chose protocol version " + o.protocolVersion() + " in a v" + frame.version()
                    + " frame; this build speaks " + Protocol.SUPPORTED_VERSIONS);
        }
        if (!SnapshotCodec.READABLE_VERSIONS.contains(o.snapshotVersion())) {
            throw new HandoffProtocolException("OFFER chose snapshot version " + o.snapshotVersion() + "; this build reads "
                    + SnapshotCodec.READABLE_VERSIONS);
        }
        if (o.generation() < 0) {
            throw new HandoffProtocolException("OFFER has negative generation " + o.generation());
        }
        List<ListenerEntry> entries = o.listeners();
        if (entries.size() > limits.maxListeners()) {
            throw new HandoffProtocolException("OFFER lists " + entries.size() + " listeners, the limit is " + limits.maxListeners());
        }
        Set<String> names = new HashSet<>();
        for (ListenerEntry e : entries) {
            if (!names.add(e.name())) {
                throw new HandoffProtocolException("OFFER listener table has a duplicate entry: " + e);
            }
        }
        offer = new Messages.Offer(o.protocolVersion(), o.snapshotVersion(), o.generation(), o.pid(), List.copyOf(entries));
        phase = Phase.AWAIT_SNAPSHOT;
        ioTimer.arm(ctx, limits.ioTimeout(), "SNAPSHOT from pid " + predecessor.pid(), this::failHandshake);
    }

    private void onSnapshot(Frame frame) throws HandoffProtocolException {
        try {
            snapshot = SnapshotCodec.decode(frame.payload(), offer.snapshotVersion(), limits.maxFrameBytes());
        } catch (HandoffException e) {
            throw new HandoffProtocolException(e.getMessage(), e);
        }
        int n = offer.listeners().size();
        if (n == 0) {
            ctx.write(Messages.frame(offer.protocolVersion(), MessageType.SEND_FDS, new Messages.Count(0)));
            ctx.writeAndFlush(Messages.frame(offer.protocolVersion(), MessageType.FDS_RECEIVED, new Messages.Count(0)));
            handOver();
            return;
        }
        phase = Phase.AWAIT_FDS;
        ((DomainSocketChannel) ctx.channel()).config().setReadMode(DomainSocketReadMode.FILE_DESCRIPTORS);
        // Ask only after the current read loop has returned: it must not read on in BYTES mode once the
        // predecessor may already be answering with descriptors (a plain read would discard them).
        ctx.executor().execute(() -> {
            if (phase == Phase.AWAIT_FDS && ctx.channel().isActive()) {
                ctx.writeAndFlush(Messages.frame(offer.protocolVersion(), MessageType.SEND_FDS, new Messages.Count(n)))
                        .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
                ioTimer.arm(ctx, limits.ioTimeout(), n + " descriptor(s) from pid " + predecessor.pid(), this::failHandshake);
            }
        });
    }

    private void onDescriptor(FileDescriptor fd) throws HandoffProtocolException {
        if (phase != Phase.AWAIT_FDS) {
            closeQuietly(fd);
            throw new HandoffProtocolException("unexpected file descriptor in phase " + phase);
        }
        received.add(fd);
        if (received.size() < offer.listeners().size()) {
            return;
        }
        ((DomainSocketChannel) ctx.channel()).config().setReadMode(DomainSocketReadMode.BYTES);
        int n = received.size();
        ctx.executor().execute(() -> {
            if (ctx.channel().isActive()) {
                ctx.writeAndFlush(Messages.frame(offer.protocolVersion(), MessageType.FDS_RECEIVED, new Messages.Count(n)))
                        .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
            }
        });
        handOver();
    }

    private void handOver() {
        ioTimer.cancel();
        phase = Phase.HANDED_OVER;
        List<InheritedListener> listeners = new ArrayList<>();
        for (int i = 0; i < offer.listeners().size(); i++) {
            listeners.add(new InheritedListener(offer.listeners().get(i), received.get(i)));
        }
        log.info("handoff: received generation {} with {} listener(s) from pid {}", offer.generation(), listeners.size(),
                predecessor.pid());
        IncomingHandoff incoming = new IncomingHandoff(predecessor, offer.generation(), listeners, snapshot, ctx.channel(), this);
        received.clear();
        if (!result.complete(incoming)) {
            // Nobody will ever see these descriptors (the caller gave up): do not leak them.
            incoming.closeUnadopted(List.of());
            ctx.close();
        }
    }

    void sendReady(String version, Duration startup, CompletableFuture<Void> acknowledged) {
        if (phase != Phase.HANDED_OVER || !ctx.channel().isActive()) {
            acknowledged.completeExceptionally(notReadyReason());
            return;
        }
        readyAck = acknowledged;
        phase = Phase.AWAIT_READY_ACK;
        ctx.writeAndFlush(Messages.frame(offer.protocolVersion(), MessageType.READY,
                        new Messages.Ready(ProcessIdentity.pid(), version, startup.toMillis())))
                .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        ioTimer.arm(ctx, limits.ioTimeout(), "READY_ACK from pid " + predecessor.pid(), reason -> {
            failReady(new HandoffException(reason));
            ctx.close();
        });
    }

    private HandoffException notReadyReason() {
        if (abortReason != null) {
            return new HandoffException("pid " + predecessor.pid() + " aborted the handoff: " + abortReason);
        }
        if (!ctx.channel().isActive()) {
            return new PredecessorGoneException("pid " + predecessor.pid() + " closed the handoff connection before READY");
        }
        return new HandoffException("READY not possible in phase " + phase);
    }

    private void onReadyAck(Frame frame) {
        ioTimer.cancel();
        phase = Phase.DONE;
        log.info("handoff: pid {} acknowledged READY", predecessor.pid());
        readyAck.complete(null);
        ctx.close();
    }

    void sendFailed(String reason) {
        if (phase == Phase.DONE || !ctx.channel().isActive()) {
            ctx.close();
            return;
        }
        log.warn("handoff: telling pid {} that this successor failed: {}", predecessor.pid(), reason);
        phase = Phase.DONE;
        int version = offer == null ? Protocol.BOOTSTRAP_VERSION : offer.protocolVersion();
        ctx.writeAndFlush(Messages.frame(version, MessageType.FAILED, new Messages.Reason(reason))).addListener(ChannelFutureListener.CLOSE);
    }

    private void onAbort(String reason) {
        log.warn("handoff: pid {} aborted the handoff: {}", predecessor.pid(), reason);
        abortReason = reason;
        HandoffException e = new HandoffException("pid " + predecessor.pid() + " aborted the handoff: " + reason);
        if (!result.isDone()) {
            failHandshake(e.getMessage());
            return;
        }
        failReady(e);
        phase = Phase.DONE;
        ctx.close();
    }

    private void failReady(HandoffException e) {
        if (readyAck != null) {
            readyAck.completeExceptionally(e);
        }
    }

    private void protocolError(String reason) {
        String message = "protocol error from pid " + (predecessor == null ? "?" : predecessor.pid()) + ": " + reason;
        if (!result.isDone()) {
            failHandshake(message);
        } else {
            log.warn("handoff: {}", message);
            failReady(new HandoffException(message));
            phase = Phase.DONE;
            ctx.close();
        }
    }

    private void failHandshake(String reason) {
        ioTimer.cancel();
        boolean tellPredecessor = offer != null && phase != Phase.DONE && ctx.channel().isActive();
        phase = Phase.DONE;
        for (FileDescriptor fd : received) {
            closeQuietly(fd);
        }
        received.clear();
        if (result.completeExceptionally(new HandoffException(reason))) {
            log.warn("handoff: {}", reason);
        }
        if (tellPredecessor) {
            // The predecessor has a session waiting: let it log the real reason instead of "disconnected".
            ctx.writeAndFlush(Messages.frame(offer.protocolVersion(), MessageType.FAILED,
                    new Messages.Reason(Protocol.boundedReason(reason)))).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ioTimer.cancel();
        if (!result.isDone()) {
            String who = predecessor == null ? "the predecessor" : "pid " + predecessor.pid();
            failHandshake(who + " closed the handoff connection while this side was in phase " + phase);
        } else if (phase == Phase.AWAIT_READY_ACK) {
            failReady(abortReason != null ? new HandoffException("pid " + predecessor.pid() + " aborted the handoff: " + abortReason)
                    : new PredecessorGoneException("pid " + predecessor.pid() + " closed the handoff connection before acknowledging READY"));
        } else if (phase == Phase.HANDED_OVER) {
            log.warn("handoff: pid {} closed the handoff connection before READY", predecessor.pid());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof HandoffProtocolException) {
            protocolError(root.getMessage());
        } else {
            protocolError("connection error: " + root);
        }
    }

    private static void closeQuietly(FileDescriptor fd) {
        try {
            fd.close();
        } catch (IOException ignored) {
            // Never adopted; nothing else to do.
        }
    }
}
