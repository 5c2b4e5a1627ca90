package dev.zentinel.app.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny HTTP/1.1 origin on loopback for tests that proxy through Zentinel.
 * <ul>
 * <li>{@code /gate/...} holds the response until {@link #openGate()} (or {@code gateTimeout}),
 *     so a test can keep a request in flight deterministically;</li>
 * <li>any other path answers 200 with {@code origin <name> <METHOD> <path>} (request body drained).</li>
 * </ul>
 */
public final class OriginServer implements AutoCloseable {

    public static final Duration DEFAULT_GATE_TIMEOUT = Duration.ofSeconds(60);
    private static final int THREADS = 32;

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong waitingAtGate = new AtomicLong();
    private final Duration gateTimeout;

    private OriginServer(String name, HttpServer server, ExecutorService executor, Duration gateTimeout) {
        this.name = name;
        this.server = server;
        this.executor = executor;
        this.gateTimeout = gateTimeout;
    }

    public static OriginServer start(String name) throws IOException {
        return start(name, DEFAULT_GATE_TIMEOUT);
    }

    public static OriginServer start(String name, Duration gateTimeout) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread thread = new Thread(r, "origin-" + name);
            thread.setDaemon(true);
            return thread;
        });
        OriginServer origin = new OriginServer(name, server, executor, gateTimeout);
        server.createContext("/", origin::handle);
        server.setExecutor(executor);
        server.start();
        return origin;
    }

    /** "127.0.0.1:port", as a config target. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public long requests() {
        return requests.get();
    }

    /** Requests currently held at the gate. */
    public long waitingAtGate() {
        return waitingAtGate.get();
    }

    public void openGate() {
        gate.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (InputStream body = exchange.getRequestBody()) {
            body.transferTo(OutputStream.nullOutputStream());
        }
        String path = exchange.getRequestURI().getPath();
        if (path.startsWith("/gate")) {
            waitingAtGate.incrementAndGet();
            try {
                if (!gate.await(gateTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    respond(exchange, 500, "gate never opened\n");
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                respond(exchange, 500, "interrupted\n");
                return;
            } finally {
                waitingAtGate.decrementAndGet();
            }
        }
        respond(exchange, 200, "origin " + name + " " + exchange.getRequestMethod() + " " + path + "\n");
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        gate.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
