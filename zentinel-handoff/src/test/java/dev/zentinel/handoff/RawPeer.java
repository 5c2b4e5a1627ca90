package dev.zentinel.handoff;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A hand-rolled peer on a plain JDK Unix socket, for sending what a well-behaved implementation
 * never would (garbage, wrong magic, oversized frames, foreign versions) and reading raw answers.
 */
final class RawPeer implements AutoCloseable {

    record RawFrame(int version, int type, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final SocketChannel channel;
    private final Selector selector;

    private RawPeer(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    static RawPeer connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return new RawPeer(ch);
    }

    void send(byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    static byte[] frame(int magic, int version, int type, int declaredLength, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(12 + payload.length);
        b.putInt(magic).putShort((short) version).put((byte) type).put((byte) 0).putInt(declaredLength).put(payload);
        return b.array();
    }

    static byte[] frame(int version, int type, String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        return frame(Protocol.MAGIC, version, type, payload.length, payload);
    }

    /** Reads one frame; null if the other side closed the connection first. */
    RawFrame readFrame() throws IOException {
        byte[] header = readExactly(12);
        if (header == null) {
            return null;
        }
        ByteBuffer h = ByteBuffer.wrap(header);
        int magic = h.getInt();
        if (magic != Protocol.MAGIC) {
            throw new IOException("answer has bad magic " + Integer.toHexString(magic));
        }
        int version = Short.toUnsignedInt(h.getShort());
        int type = Byte.toUnsignedInt(h.get());
        h.get();
        int length = h.getInt();
        byte[] payload = readExactly(length);
        if (payload == null) {
            throw new IOException("connection closed inside a frame");
        }
        return new RawFrame(version, type, payload);
    }

    /** True once the other side has closed (EOF), having sent nothing more. */
    boolean closedWithoutData() throws IOException {
        return readExactly(1) == null;
    }

    private byte[] readExactly(int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (buf.hasRemaining()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("no data within " + READ_TIMEOUT);
            }
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
            int r;
            try {
                r = channel.read(buf);
            } catch (IOException reset) {
                r = -1;
            }
            if (r < 0) {
                if (buf.position() == 0) {
                    return null;
                }
                throw new IOException("connection closed after " + buf.position() + " of " + n + " bytes");
            }
        }
        return buf.array();
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
