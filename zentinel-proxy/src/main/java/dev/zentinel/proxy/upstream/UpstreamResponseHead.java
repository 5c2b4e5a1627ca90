package dev.zentinel.proxy.upstream;

import io.netty.buffer.ByteBuf;

/**
 * The status line and fields of one upstream response as parsed by {@link ResponseParser}, with the
 * framing facts the parser derived. One instance per connection, refilled for every response:
 * valid only during the callback that hands it over.
 */
public final class UpstreamResponseHead {

    private final ResponseFields fields = new ResponseFields();
    private ByteBuf bytes;
    private int status;
    private int minorVersion;
    private int reasonStart;
    private int reasonEnd;
    private boolean chunked;
    private boolean contentLengthKnown;
    private long contentLength;
    private boolean keepAlive;
    private boolean bodiless;
    private boolean nominatesFields;

    void reset(ByteBuf source) {
        bytes = source;
        fields.reset(source);
        chunked = false;
        contentLengthKnown = false;
        nominatesFields = false;
    }

    void statusLine(int minorVersion, int status, int reasonStart, int reasonEnd) {
        this.minorVersion = minorVersion;
        this.status = status;
        this.reasonStart = reasonStart;
        this.reasonEnd = reasonEnd;
    }

    void framing(boolean chunked, boolean contentLengthKnown, long contentLength, boolean keepAlive, boolean bodiless) {
        this.chunked = chunked;
        this.contentLengthKnown = contentLengthKnown;
        this.contentLength = contentLength;
        this.keepAlive = keepAlive;
        this.bodiless = bodiless;
    }

    void nominatesFields(boolean nominates) {
        this.nominatesFields = nominates;
    }

    ResponseFields mutableFields() {
        return fields;
    }

    public int status() {
        return status;
    }

    /** 0 for an HTTP/1.0 response, 1 for HTTP/1.1. */
    public int minorVersion() {
        return minorVersion;
    }

    public ResponseFields fields() {
        return fields;
    }

    /** Writes the reason phrase as received (possibly empty). */
    public void writeReason(ByteBuf out) {
        out.writeBytes(bytes, reasonStart, reasonEnd - reasonStart);
    }

    public int reasonLength() {
        return reasonEnd - reasonStart;
    }

    /** The body is chunked (Transfer-Encoding ending in chunked). */
    public boolean chunked() {
        return chunked;
    }

    /** The body length was given by Content-Length. */
    public boolean contentLengthKnown() {
        return contentLengthKnown;
    }

    /** The Content-Length value; meaningful only when {@link #contentLengthKnown()}. */
    public long contentLength() {
        return contentLength;
    }

    /** Neither chunked nor length-delimited: the body ends when the origin closes. */
    public boolean closeDelimited() {
        return !bodiless && !chunked && !contentLengthKnown;
    }

    /** No body follows whatever the fields say: 1xx, 204, 304, or the answer to HEAD. */
    public boolean bodiless() {
        return bodiless;
    }

    /** The origin allows another request on this connection. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** A Connection field names something other than close/keep-alive (fields to remove when forwarding). */
    public boolean nominatesFields() {
        return nominatesFields;
    }
}
