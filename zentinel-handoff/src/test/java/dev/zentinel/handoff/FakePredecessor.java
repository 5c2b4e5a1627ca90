package dev.zentinel.handoff;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A scripted old side on a plain JDK Unix socket: accepts one connection, reads the HELLO frame,
 * then sends whatever bytes the test scripted and keeps the connection open until closed.
 */
final class FakePredecessor implements AutoCloseable {

    private final ServerSocketChannel server;
    private final CompletableFuture<byte[]> hello = new CompletableFuture<>();
    private final Thread thread;
    private volatile SocketChannel connection;

    private final byte[] answerToNextFrame;

    FakePredecessor(Path socket, byte[] answer) throws IOException {
        this(socket, answer, null);
    }

    /** Sends {@code answer} after the HELLO and {@code answerToNextFrame} (if any) after the next frame received. */
    FakePredecessor(Path socket, byte[] answer, byte[] answerToNextFrame) throws IOException {
        this.answerToNextFrame = answerToNextFrame;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(() -> serve(answer), "fake-predecessor");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve(byte[] answer) {
        try {
            connection = server.accept();
            hello.complete(readFrame());
            write(answer);
            if (answerToNextFrame != null) {
                readFrame();
                write(answerToNextFrame);
            }
            // Hold the connection open; the client decides when it ends.
            ByteBuffer sink = ByteBuffer.allocate(4096);
            while (connection.read(sink) >= 0) {
                sink.clear();
            }
        } catch (IOException e) {
            hello.completeExceptionally(e);
        }
    }

    private byte[] readFrame() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(12);
        while (header.hasRemaining() && connection.read(header) >= 0) {
            // until the header is complete
        }
        ByteBuffer payload = ByteBuffer.allocate(header.getInt(8));
        while (payload.hasRemaining() && connection.read(payload) >= 0) {
            // until the payload is complete
        }
        return payload.array();
    }

    private void write(byte[] bytes) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(bytes);
        while (out.hasRemaining()) {
            connection.write(out);
        }
    }

    CompletableFuture<byte[]> hello() {
        return hello;
    }

    @Override
    public void close() throws IOException {
        server.close();
        SocketChannel c = connection;
        if (c != null) {
            c.close();
        }
    }
}
