package dev.zentinel.proxy.http;

import java.util.HashMap;
import java.util.Map;

/** The proxy's own error responses, built once per server. */
final class ErrorResponses {

    private static final int[] STATUSES = {400, 404, 408, 413, 414, 417, 431, 500, 501, 502, 503, 504, 505};

    private final Map<Integer, FixedResponse> byStatus = new HashMap<>();

    ErrorResponses() {
        for (int status : STATUSES) {
            byStatus.put(status, FixedResponse.error(status));
        }
    }

    FixedResponse get(int status) {
        FixedResponse r = byStatus.get(status);
        return r != null ? r : byStatus.get(500);
    }
}
