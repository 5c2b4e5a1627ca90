package dev.zentinel.proxy.accesslog;

/**
 * One completed request, as the data path hands it to the {@link AccessLog}. String fields may
 * be null when unknown (e.g. no route matched: route and upstream are null).
 *
 * @param startEpochMillis when the request head arrived
 * @param clientAddress    the client's IP address (no port)
 * @param uri              the request target as sent
 * @param host             the Host header
 * @param bytesIn          request body bytes read from the client
 * @param bytesOut         response body bytes written to the client
 * @param durationMicros   from the request head to the last response byte
 * @param route            the matched route's name (null: no route matched)
 * @param upstream         the name of the upstream the request went to (null: answered by the proxy)
 * @param listener         the listener's name
 */
public record AccessRecord(long startEpochMillis, String clientAddress, String method, String uri, String host,
        int status, long bytesIn, long bytesOut, long durationMicros, String route, String upstream, String listener) {
}
