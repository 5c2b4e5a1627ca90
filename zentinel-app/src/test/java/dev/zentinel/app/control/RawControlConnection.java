package dev.zentinel.app.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A byte-level client of the control socket, for sending what the real client never would. */
final class RawControlConnection implements AutoCloseable {

    private final SocketChannel channel;

    private RawControlConnection(SocketChannel channel) {
        this.channel = channel;
    }

    static RawControlConnection open(Path socket) throws IOException {
        return new RawControlConnection(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
    }

    void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** The next line without its newline, or null if the server closed the connection first. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (channel.read(one) < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            byte b = one.get(0);
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
    }

    /** Whether the server has closed its end (reads hit end of stream). */
    boolean closedByServer() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        int read;
        while ((read = channel.read(buffer)) > 0) {
            buffer.clear();
        }
        return read < 0;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
