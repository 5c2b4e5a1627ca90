package dev.zentinel.app.upgrade;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * An origin that streams a deterministic body of a given size at a bounded pace, so a download
 * is certainly still running when an upgrade happens and can be checked byte for byte.
 */
final class SlowDownloadOrigin implements AutoCloseable {

    static final int CHUNK = 64 * 1024;

    private final HttpServer server;
    private final ExecutorService executor;
    private final long bytes;
    private final long pauseNanosPerChunk;

    private SlowDownloadOrigin(HttpServer server, ExecutorService executor, long bytes, long pauseNanosPerChunk) {
        this.server = server;
        this.executor = executor;
        this.bytes = bytes;
        this.pauseNanosPerChunk = pauseNanosPerChunk;
    }

    static SlowDownloadOrigin start(long bytes, long pauseMillisPerChunk) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "slow-origin");
            t.setDaemon(true);
            return t;
        });
        SlowDownloadOrigin origin = new SlowDownloadOrigin(server, executor, bytes, pauseMillisPerChunk * 1_000_000);
        server.createContext("/", origin::handle);
        server.setExecutor(executor);
        server.start();
        return origin;
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** The byte at {@code offset} of every body this origin sends. */
    static byte byteAt(long offset) {
        return (byte) ((offset * 31 + (offset >>> 11)) & 0xff);
    }

    private void handle(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().close();
        exchange.getResponseHeaders().set("content-type", "application/octet-stream");
        exchange.sendResponseHeaders(200, bytes);
        byte[] chunk = new byte[CHUNK];
        try (OutputStream out = exchange.getResponseBody()) {
            for (long sent = 0; sent < bytes; ) {
                int n = (int) Math.min(CHUNK, bytes - sent);
                for (int i = 0; i < n; i++) {
                    chunk[i] = byteAt(sent + i);
                }
                out.write(chunk, 0, n);
                out.flush();
                sent += n;
                // Pacing, not synchronisation: the download must outlast the upgrade.
                LockSupport.parkNanos(pauseNanosPerChunk);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
