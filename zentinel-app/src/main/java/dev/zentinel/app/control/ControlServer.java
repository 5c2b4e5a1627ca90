package dev.zentinel.app.control;

import dev.zentinel.app.runtime.RuntimeDirectoryException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control socket server: a Unix domain socket (mode 0600, in the private runtime directory)
 * that accepts connections only from processes of {@code allowedUid}, reads one request line,
 * answers one response line and closes.
 *
 * <p>The socket is bound under a temporary name, restricted to 0600 and then renamed onto the
 * published path, so the published path never exists with looser permissions, a stale socket file
 * is replaced atomically, and a successor generation can publish its own socket while this one is
 * still draining. On close the published path is removed only if it is still the file this server
 * created.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    private static final Duration BIND_WAIT = Duration.ofSeconds(10);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final Path path;
    private final Object fileKey;
    private final Channel serverChannel;
    private final ChannelGroup connections;
    private final AtomicBoolean listening = new AtomicBoolean(true);

    private ControlServer(Path path, Object fileKey, Channel serverChannel, ChannelGroup connections) {
        this.path = path;
        this.fileKey = fileKey;
        this.serverChannel = serverChannel;
        this.connections = connections;
    }

    /**
     * Binds and publishes the control socket at {@code path}, replacing whatever socket file is
     * there. Callers make sure no live instance owns that path before calling this.
     */
    public static ControlServer bind(Path path, Map<String, ControlCommand> commands, ControlServerSettings settings,
            long allowedUid, DomainSockets sockets, EventLoopGroup group, ControlProtocol protocol) {
        Objects.requireNonNull(commands, "commands");
        Path temporary = path.resolveSibling(path.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        deleteIfExists(temporary);
        ChannelGroup connections = new DefaultChannelGroup("control-connections", GlobalEventExecutor.INSTANCE);
        AtomicInteger open = new AtomicInteger();
        Map<String, ControlCommand> registry = Map.copyOf(commands);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(sockets.serverChannelClass())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        connections.add(channel);
                        channel.pipeline()
                                .addLast("frame", new LineBasedFrameDecoder(settings.maxLineBytes(), true, true))
                                .addLast("control", new ControlConnectionHandler(registry, settings, allowedUid,
                                        sockets, protocol, open));
                    }
                });
        ChannelFuture bound = bootstrap.bind(new DomainSocketAddress(temporary.toFile()));
        if (!bound.awaitUninterruptibly(BIND_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            bound.channel().close();
            throw new RuntimeDirectoryException("binding control socket " + temporary + " timed out");
        }
        if (!bound.isSuccess()) {
            throw new RuntimeDirectoryException("cannot bind control socket " + temporary + ": "
                    + bound.cause().getMessage(), bound.cause());
        }
        Channel serverChannel = bound.channel();
        try {
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            Object key = Files.readAttributes(temporary, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            log.debug("control socket listening on {}", path);
            return new ControlServer(path, key, serverChannel, connections);
        } catch (IOException e) {
            serverChannel.close().awaitUninterruptibly(CLOSE_WAIT.toMillis());
            deleteIfExists(temporary);
            throw new RuntimeDirectoryException("cannot publish control socket " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    /** Whether the published path is still the socket this server created (a successor may have replaced it). */
    public boolean ownsPublishedPath() {
        try {
            return Objects.equals(fileKey,
                    Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops accepting and removes the socket file if it is still ours, but lets the open control
     * connections finish: after an upgrade the old process still answers the {@code upgrade}
     * request that is waiting on one of them, while the successor publishes its own socket.
     */
    public void stopListening() {
        // Only once: after we removed our file, a successor's socket may get the same inode number,
        // and a second ownership check would then wrongly take its file for ours.
        if (!listening.compareAndSet(true, false)) {
            return;
        }
        boolean ours = ownsPublishedPath();
        serverChannel.close().awaitUninterruptibly(CLOSE_WAIT.toMillis());
        if (ours) {
            deleteIfExists(path);
        }
    }

    /** Stops accepting, closes open control connections and removes the socket file if it is still ours. */
    @Override
    public void close() {
        stopListening();
        connections.close().awaitUninterruptibly(CLOSE_WAIT.toMillis());
    }

    private static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (NoSuchFileException ignored) {
            // Already gone.
        } catch (IOException e) {
            throw new RuntimeDirectoryException("cannot remove " + file + ": " + e.getMessage(), e);
        }
    }
}
