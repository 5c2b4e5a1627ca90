package dev.zentinel.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A response the proxy produces itself (respond routes, errors), encoded once: the body lives in
 * one read-only buffer and the header blocks for each {@link ConnectionMode} are built up front, so
 * serving it costs one small message object per request.
 */
public final class FixedResponse {

    private final HttpResponseStatus status;
    private final ByteBuf body;
    private final int bodyLength;
    private final HttpHeaders[] headersByMode;
    /** Encoders rewrite framing headers of 1xx/204/205/304 responses, so those get private copies. */
    private final boolean shareHeaders;

    public FixedResponse(int status, String body, Map<String, String> headers) {
        this.status = HttpResponseStatus.valueOf(status);
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        this.body = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes).asReadOnly());
        this.bodyLength = bytes.length;
        this.shareHeaders = status >= 200 && status != 204 && status != 205 && status != 304;
        this.headersByMode = new HttpHeaders[ConnectionMode.values().length];
        for (ConnectionMode mode : ConnectionMode.values()) {
            HttpHeaders h = DefaultHttpHeadersFactory.headersFactory().newHeaders();
            boolean hasType = false;
            for (Map.Entry<String, String> e : headers.entrySet()) {
                h.add(e.getKey(), e.getValue());
                hasType |= e.getKey().equalsIgnoreCase("content-type");
            }
            if (!hasType && bytes.length > 0) {
                h.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            }
            h.setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            if (mode == ConnectionMode.CLOSE) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (mode == ConnectionMode.KEEP_ALIVE_HTTP10) {
                h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            headersByMode[mode.ordinal()] = h;
        }
    }

    /** A small "&lt;code&gt; &lt;reason&gt;" plain-text response. */
    public static FixedResponse error(int status) {
        HttpResponseStatus s = HttpResponseStatus.valueOf(status);
        return new FixedResponse(status, s.code() + " " + s.reasonPhrase() + "\n", Map.of());
    }

    public int status() {
        return status.code();
    }

    public int bodyLength() {
        return bodyLength;
    }

    FullHttpResponse newResponse(ConnectionMode mode) {
        HttpHeaders headers = headersByMode[mode.ordinal()];
        if (!shareHeaders) {
            headers = headers.copy();
        }
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body.duplicate(), headers, EmptyHttpHeaders.INSTANCE);
    }
}
