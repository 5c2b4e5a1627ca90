package dev.zentinel.proxy.server;

/**
 * What a warm-up did: how many requests and connections it drove, why it ended ("JIT settled":
 * the requests were done and the compilers then went quiet; "time budget": it ran out of time
 * first, and the process starts with part of its hot path still being compiled) and how long it
 * waited for the compilers after its last request ({@code settleMillis}, -1 when the requests
 * were not all done).
 */
public record WarmUpReport(int requests, int connections, String endedBy, long settleMillis) {

    /** Not run: {@code why} says whether it was configured off or had no time left. */
    static WarmUpReport skipped(String why) {
        return new WarmUpReport(0, 0, why, -1);
    }

    @Override
    public String toString() {
        return requests + " requests on " + connections + " connections"
                + (settleMillis >= 0 ? ", then " + settleMillis + " ms for the JIT compilers" : "")
                + ", ended by " + endedBy;
    }
}
