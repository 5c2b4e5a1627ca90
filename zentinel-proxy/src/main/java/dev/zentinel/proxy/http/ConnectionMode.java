package dev.zentinel.proxy.http;

/** How a response announces the fate of the client connection. */
enum ConnectionMode {
    /** HTTP/1.1 persistent connection: no Connection header needed. */
    KEEP_ALIVE,
    /** HTTP/1.0 client that asked for keep-alive: "Connection: keep-alive". */
    KEEP_ALIVE_HTTP10,
    /** The connection closes after this response: "Connection: close". */
    CLOSE
}
