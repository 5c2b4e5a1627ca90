package dev.zentinel.handoff;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Old side: a private Unix socket that a successor connects to. Connections are independent: a
 * refused, broken or hostile one is closed on its own and the listener keeps accepting.
 *
 * <p>The socket is bound under a temporary name, restricted to 0600 and then renamed over the
 * final path, so the path always names a working socket and a successor can bind its own listener
 * at the same path while this one still exists (the rename replaces ours atomically).
 */
public final class HandoffListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HandoffListener.class);
    private static final int MAX_SOCKET_PATH_BYTES = 107;
    /**
     * Handoff connections open at once; more are closed unread. One session at a time is the
     * application's policy, this only bounds what a misbehaving local process can make us hold.
     */
    public static final int MAX_OPEN_CONNECTIONS = 16;
    private static final int ACCEPT_BACKLOG = 16;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final Path socketPath;
    private final Channel serverChannel;
    private final Object fileKey;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HandoffListener(Path socketPath, Channel serverChannel, Object fileKey) {
        this.socketPath = socketPath;
        this.serverChannel = serverChannel;
        this.fileKey = fileKey;
    }

    /**
     * Binds the handoff socket: mode 0600 in a 0700 directory (created if missing; refused if it
     * exists and is not private); an existing socket file at the path is replaced, any other kind
     * of file is an error. The group must be of the native transport (epoll on Linux).
     */
    public static CompletableFuture<HandoffListener> bind(Path socketPath, EventLoopGroup group, HandoffLimits limits,
                                                          HandoffAcceptor acceptor) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(acceptor, "acceptor");
        CompletableFuture<HandoffListener> result = new CompletableFuture<>();
        Path path = socketPath.toAbsolutePath();
        Path temp;
        DomainSocketTransport transport;
        try {
            transport = DomainSocketTransport.detect();
            PrivateDirectory.ensure(path.getParent());
            checkReplaceable(path);
            temp = path.resolveSibling("." + path.getFileName() + "." + ProcessIdentity.pid() + "." + System.nanoTime() + ".tmp");
            checkLength(path);
            checkLength(temp);
        } catch (IOException | HandoffException e) {
            result.completeExceptionally(e instanceof HandoffException ? e : new HandoffException(e.getMessage(), e));
            return result;
        }
        int ownUid = ProcessIdentity.uid();
        AtomicInteger open = new AtomicInteger();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG)
                // Nothing is read from a connection until its peer's uid has been checked.
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (open.incrementAndGet() > MAX_OPEN_CONNECTIONS) {
                            open.decrementAndGet();
                            log.warn("handoff: {} connections already open on {}; closing a new one unread", MAX_OPEN_CONNECTIONS, path);
                            ch.close();
                            try {
                                acceptor.rejected(null, "too many open handoff connections (" + MAX_OPEN_CONNECTIONS + ")");
                            } catch (RuntimeException e) {
                                log.error("handoff: the application's rejected() failed", e);
                            }
                            return;
                        }
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        ch.pipeline().addLast(new FrameDecoder(limits.maxFrameBytes()), new FrameEncoder(),
                                new SuccessorConnectionHandler(transport, limits, acceptor, ownUid));
                    }
                });
        ChannelFuture bound;
        try {
            bound = bootstrap.bind(new DomainSocketAddress(temp.toString()));
        } catch (RuntimeException e) {
            result.completeExceptionally(new HandoffException("cannot bind handoff socket " + path + ": " + e, e));
            return result;
        }
        bound.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new HandoffException("cannot bind handoff socket " + path + ": " + f.cause(), f.cause()));
                return;
            }
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
                moveIntoPlace(temp, path);
                Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
                log.info("handoff: listening on {}", path);
                result.complete(new HandoffListener(path, f.channel(), key));
            } catch (IOException | RuntimeException e) {
                f.channel().close();
                deleteQuietly(temp);
                result.completeExceptionally(new HandoffException("cannot install handoff socket " + path + ": " + e.getMessage(), e));
            }
        });
        return result;
    }

    public Path socketPath() {
        return socketPath;
    }

    /**
     * Stops listening (sessions already running go on) and unlinks the path only if it still names
     * our socket, so a successor's socket at the same path survives. Safe to call from any thread;
     * outside an event loop it waits (boundedly) until the socket is closed.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ChannelFuture closing = serverChannel.close();
        if (!serverChannel.eventLoop().inEventLoop()) {
            closing.awaitUninterruptibly(CLOSE_WAIT.toMillis());
        }
        unlinkIfOurs();
    }

    private void unlinkIfOurs() {
        try {
            Object current = Files.readAttributes(socketPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (fileKey != null && fileKey.equals(current)) {
                Files.deleteIfExists(socketPath);
                log.info("handoff: stopped listening on {}", socketPath);
            } else {
                log.info("handoff: stopped listening; {} now belongs to another listener and is left in place", socketPath);
            }
        } catch (NoSuchFileException gone) {
            log.info("handoff: stopped listening; {} was already removed", socketPath);
        } catch (IOException e) {
            log.warn("handoff: cannot remove {}: {}", socketPath, e.getMessage());
        }
    }

    private static void checkReplaceable(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 0170000) != 0140000) {
            throw new IOException(path + " exists and is not a socket; refusing to replace it");
        }
    }

    private static void checkLength(Path path) throws HandoffException {
        int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
        int max = Math.min(MAX_SOCKET_PATH_BYTES, Socket.UDS_SUN_PATH_SIZE - 1);
        if (bytes > max) {
            throw new HandoffException("handoff socket path " + path + " is " + bytes + " bytes; Unix sockets allow at most " + max
                    + " (use a shorter runtime directory)");
        }
    }

    private static void moveIntoPlace(Path temp, Path path) throws IOException {
        try {
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot atomically rename " + temp + " to " + path, e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // Best effort: a leftover temporary socket in our private directory harms no one.
        }
    }
}
