package dev.zentinel.proxy.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The requests a warm-up client connection sends, encoded once: a connection sends exactly
 * {@link #PER_CONNECTION} of them, in order, the last one asking for Connection: close. The mix
 * cycles through a proxied GET, a proxied POST with a body, a proxied HEAD and a request the
 * respond route answers, each with the header fields and spellings real clients send (Netty's
 * lower-case names for the fields a Netty client sets itself, mixed case for the rest, values
 * with digits and punctuation, a Host with and without a port): header parsing and routing
 * branch on the bytes of names and values, and a warm-up that sent only lower-case names (or
 * never a port) left branches that real traffic takes untaken, so the first real request made
 * the compiled code trap and recompile (docs/benchmark.md). Immutable.
 */
final class WarmUpRequests {

    /** Requests per client connection; the last one asks the proxy to close. */
    static final int PER_CONNECTION = 16;
    static final int UPLOAD_BYTES = 1024;

    private final byte[][] encoded = new byte[PER_CONNECTION][];
    private final boolean[] head = new boolean[PER_CONNECTION];

    WarmUpRequests() {
        for (int i = 0; i < PER_CONNECTION; i++) {
            int sent = i + 1;
            head[i] = (i & 3) == 2;
            encoded[i] = encode(sent);
        }
    }

    /** The bytes of a connection's {@code index}-th request (from 0). */
    byte[] bytes(int index) {
        return encoded[index];
    }

    /** Whether that request is a HEAD (its response has no body). */
    boolean isHead(int index) {
        return head[index];
    }

    /** Whether that request asks the proxy to close the connection after answering. */
    static boolean closes(int index) {
        return index == PER_CONNECTION - 1;
    }

    /** The Host value of a connection's {@code sent}-th request. */
    private static String host(int sent) {
        return sent % 2 == 0 ? "warmup.local:8080" : "warmup.local";
    }

    /** One request; {@code sent} counts from 1 on its connection (it numbers ids and picks variants). */
    private static byte[] encode(int sent) {
        StringBuilder head = new StringBuilder(512);
        String body = null;
        switch ((sent - 1) & 3) {
            case 0 -> head.append("GET /proxy/item?id=").append(sent).append(" HTTP/1.1\r\n");
            case 1 -> {
                head.append("POST /proxy/upload HTTP/1.1\r\n").append("content-length: ").append(UPLOAD_BYTES).append("\r\n");
                body = "\0".repeat(UPLOAD_BYTES);
            }
            case 2 -> head.append("HEAD /proxy/item HTTP/1.1\r\n");
            default -> head.append("GET /health HTTP/1.1\r\n");
        }
        // Every other request names a port, as clients of a non-default port do: routing strips it.
        head.append("host: ").append(host(sent)).append("\r\n")
                .append("User-Agent: Mozilla/5.0 (X11; Linux x86_64) zentinel-warmup/1.0\r\n")
                .append("Accept: ").append(sent % 2 == 0 ? "*/*" : "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
                .append("\r\n")
                .append("Accept-Encoding: gzip, deflate, br\r\n")
                .append("Accept-Language: en-US,en;q=0.5\r\n")
                .append("X-Request-ID: wu-").append(sent).append("-7f3a9c\r\n")
                .append("Cookie: session=ab12CD34; theme=dark\r\n");
        if (sent % 3 == 0) {
            head.append("X-Forwarded-For: 192.0.2.").append(sent & 127).append("\r\n");
        }
        if (sent == PER_CONNECTION) {
            head.append("connection: close\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + UPLOAD_BYTES);
        out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
        if (body != null) {
            out.writeBytes(body.getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }
}
