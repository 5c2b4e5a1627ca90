package dev.zentinel.app.upgrade;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A strict HTTP/1.1 load client for upgrade tests: every request counts, none is retried. A
 * request fails when the connect is refused or reset, when the response is not complete, or when
 * the status is not 200. In keep-alive mode a worker reuses its connection until the server says
 * {@code Connection: close}; a connection the server closes without saying so is a failure when
 * the next request on it gets no response (exactly the idle-close race a proxy must avoid).
 */
public final class CountingLoad implements AutoCloseable {

    public enum Mode { KEEP_ALIVE, CLOSE }

    private static final int MAX_RECORDED_FAILURES = 100;
    private static final int MAX_RESPONSE_HEAD_BYTES = 16 * 1024;

    private final InetSocketAddress target;
    private final Mode mode;
    private final String path;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> workers = new ArrayList<>();

    public CountingLoad(InetSocketAddress target, Mode mode, int connections, String path) {
        this.target = target;
        this.mode = mode;
        this.path = path;
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(this::work, "load-" + i);
            t.setDaemon(true);
            workers.add(t);
        }
    }

    public CountingLoad start() {
        workers.forEach(Thread::start);
        return this;
    }

    public long succeeded() {
        return succeeded.get();
    }

    public long failed() {
        return failed.get();
    }

    public List<String> failureSamples() {
        return List.copyOf(failures);
    }

    /** Stops the workers and waits for their last request to finish (bounded by the socket timeout). */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : workers) {
            t.join(Duration.ofSeconds(30).toMillis());
        }
    }

    private void work() {
        Connection conn = null;
        try {
            while (running.get()) {
                if (conn == null) {
                    try {
                        conn = connect();
                    } catch (IOException e) {
                        fail("connect: " + e);
                        continue;
                    }
                }
                boolean reusable;
                try {
                    reusable = exchange(conn);
                    succeeded.incrementAndGet();
                } catch (IOException | ResponseException e) {
                    fail(e.toString());
                    reusable = false;
                }
                if (!reusable || mode == Mode.CLOSE) {
                    closeQuietly(conn);
                    conn = null;
                }
            }
        } finally {
            closeQuietly(conn);
        }
    }

    private Connection connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(30_000);
        s.connect(target, 10_000);
        return new Connection(s);
    }

    private static final class Connection {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }
    }

    /** Sends one request and reads the whole response; returns whether the connection may be reused. */
    private boolean exchange(Connection conn) throws IOException, ResponseException {
        String request = "GET " + path + " HTTP/1.1\r\nHost: upgrade.test\r\n"
                + (mode == Mode.CLOSE ? "Connection: close\r\n" : "") + "\r\n";
        OutputStream out = conn.out;
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = conn.in;
        String head = readHead(in);
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new ResponseException("bad status line: " + lines[0]);
        }
        long contentLength = -1;
        boolean close = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            if (name.equals("content-length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
                close = true;
            }
        }
        if (contentLength < 0) {
            throw new ResponseException("response without content-length: " + lines[0]);
        }
        try {
            in.skipNBytes(contentLength);
        } catch (java.io.EOFException e) {
            throw new ResponseException("body truncated before " + contentLength + " bytes");
        }
        if (!status[1].equals("200")) {
            throw new ResponseException("status " + lines[0]);
        }
        return !close;
    }

    private static String readHead(InputStream in) throws IOException, ResponseException {
        StringBuilder sb = new StringBuilder(256);
        int matched = 0;
        while (sb.length() < MAX_RESPONSE_HEAD_BYTES) {
            int b = in.read();
            if (b < 0) {
                throw new ResponseException(sb.length() == 0
                        ? "connection closed before any response byte"
                        : "connection closed inside the response head");
            }
            sb.append((char) b);
            matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
            if (matched == 4 && sb.toString().endsWith("\r\n\r\n")) {
                return sb.substring(0, sb.length() - 4);
            }
        }
        throw new ResponseException("response head too large");
    }

    private void fail(String reason) {
        failed.incrementAndGet();
        if (failures.size() < MAX_RECORDED_FAILURES) {
            failures.add(reason);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.socket.close();
            } catch (IOException ignored) {
                // the connection is being discarded either way
            }
        }
    }

    static final class ResponseException extends Exception {
        ResponseException(String message) {
            super(message);
        }
    }
}
