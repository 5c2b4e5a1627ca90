package dev.zentinel.proxy.server;

/**
 * What a warm-up did: how many requests and connections it drove and why it ended ("settled":
 * the JIT went quiet after the minimum; "request limit" or "time budget": it did not, and the
 * process starts with part of its hot path still being compiled).
 */
public record WarmUpReport(int requests, int connections, String endedBy) {

    /** Not run: {@code why} says whether it was configured off or had no time left. */
    static WarmUpReport skipped(String why) {
        return new WarmUpReport(0, 0, why);
    }

    @Override
    public String toString() {
        return requests + " requests on " + connections + " connections, ended by " + endedBy;
    }
}
