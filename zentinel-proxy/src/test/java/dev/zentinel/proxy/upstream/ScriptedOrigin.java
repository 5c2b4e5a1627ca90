package dev.zentinel.proxy.upstream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A raw-socket origin that answers each request head with whatever bytes a script returns,
 * malformed ones included. Request bodies with Content-Length are read and ignored.
 */
final class ScriptedOrigin implements AutoCloseable {

    /** The bytes to send for one request; {@code close} ends the connection after them; {@code trickle} sends them one byte per write. */
    record Reply(byte[] bytes, boolean close, boolean trickle) {
        static Reply of(String text) {
            return new Reply(text.getBytes(StandardCharsets.ISO_8859_1), false, false);
        }

        Reply closing() {
            return new Reply(bytes, true, trickle);
        }

        Reply trickled() {
            return new Reply(bytes, close, true);
        }
    }

    private static final int MAX_HEAD_BYTES = 65_536;

    private final ServerSocket server;
    private final Function<String, Reply> script;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> requestHeads = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    ScriptedOrigin(Function<String, Reply> script) throws IOException {
        this.script = script;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "scripted-origin");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    /** Every request head received, in order (request line and fields, without the empty line). */
    List<String> requestHeads() {
        return requestHeads;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                connections.incrementAndGet();
                sockets.add(socket);
                Thread t = new Thread(() -> serve(socket), "scripted-origin-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                requestHeads.add(head);
                skipBody(in, head);
                Reply reply = script.apply(head);
                if (reply.trickle()) {
                    for (byte b : reply.bytes()) {
                        out.write(b);
                        out.flush();
                    }
                } else {
                    out.write(reply.bytes());
                    out.flush();
                }
                if (reply.close()) {
                    return;
                }
            }
        } catch (IOException e) {
            // the proxy closed the connection: nothing more to answer
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1
                    : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEAD_BYTES) {
                throw new IOException("request head too large");
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    private static void skipBody(InputStream in, String head) throws IOException {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).trim()));
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
