/*
 * Zentinel bench load generator: a single-file Java program (run with `java LoadGen.java ...`,
 * no dependencies) that drives a fixed number of HTTP/1.1 connections against a loopback
 * address for a bounded time and request count, and accounts for EVERY request it offers.
 *
 * Two ways to offer load:
 *   - closed loop (default): each connection sends its next request as soon as the last answer
 *     arrived, like wrk without -R. It measures capacity; latency under overload is understated
 *     (coordinated omission).
 *   - open loop (--rate R): request k is due at start + k/R seconds whatever the server does.
 *     A due request takes an idle connection (round-robin), or waits in a bounded FIFO backlog
 *     until one frees up, or, when the backlog is full, fails as "overload". Latency and the
 *     timeout count from the DUE time, so a stalled server shows as latency, not as fewer samples.
 *
 * Accounting contract (documented in docs/benchmark.md):
 *   - A request is "offered" when it is due (open loop) or when its slot begins it (closed loop:
 *     on a fresh connection that is the connect attempt, on a reused one the first byte written).
 *   - Every offered request ends in exactly one outcome: ok (complete 2xx response) or one of
 *     the failure kinds in {@link Outcome}. There is no silent retry: a request that hits a
 *     closed keep-alive connection is a failure here even though a browser might retry it.
 *   - Latency runs from the start (closed loop) or the due time (open loop) to the last byte of
 *     the response (so in close mode it includes the TCP connect). Percentiles are over ok
 *     requests only.
 *
 * Output: human-readable summary on stdout, plus machine-readable lines starting with
 * "RESULT " and "WINDOW " (key=value pairs) for the bench scripts.
 */

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

public final class LoadGen {
    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("loadgen: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(Options.USAGE);
            return;
        }
        List<Window> windows = List.of();
        Run run = new Run(options);
        Stats stats = run.execute();
        if (options.windowsFile != null) {
            windows = Window.readAll(options.windowsFile);
        }
        Report report = new Report(options, run, stats);
        report.printSummary(System.out);
        if (options.intervalsFile != null) {
            report.writeIntervals(options.intervalsFile);
        }
        for (Window w : windows) {
            report.printWindow(System.out, w);
        }
    }
}

/** Command-line options, validated up front so a bad flag fails before any traffic. */
final class Options {
    static final String USAGE = String.join("\n",
            "usage: java LoadGen.java --url http://127.0.0.1:PORT/PATH [options]",
            "  --connections N          concurrent connections (default 64, 1..20000)",
            "  --duration S             seconds of load (default 10, 1..3600)",
            "  --requests N             stop offering requests after N in total (default 1000000000)",
            "  --rate R                 open loop: offer R requests/s in total on a fixed schedule (1..1000000;",
            "                           default: closed loop, each connection sends again once answered)",
            "  --max-backlog N          open loop: due requests that may wait for a busy connection; one more",
            "                           fails as 'overload' (default 10000, 0..10000000)",
            "  --mode keepalive|close   reuse connections, or one request per connection (default keepalive)",
            "  --threads T              selector threads; connections are split evenly (default 1, 1..64)",
            "  --timeout-ms MS          per-request timeout; exceeding it is a failure (default 10000)",
            "  --reconnect-backoff-ms MS  pause of a connection slot after a failed connect (default 10)",
            "  --warm-reconnects-ms MS  for the first MS ms every keep-alive connection closes after every",
            "                           second response and reconnects, so that the generator's own connect",
            "                           path is compiled before a server closes connections (default 0)",
            "  --interval-ms MS         width of the per-interval buckets (default 100)",
            "  --intervals-out FILE     write per-interval CSV (offset_ms,epoch_ms,ok,failed,p99_us,...)",
            "  --windows FILE           after the run, report each line 'NAME START_EPOCH_MS END_EPOCH_MS'",
            "  --stop-file FILE         end the load early when FILE appears (polled every 100 ms)",
            "  --max-response-header-bytes N  larger response heads are failures (default 65536)",
            "  --warmup-ms MS           requests offered in the first MS of the run are counted apart",
            "                           (RESULT warmup_*), not in the totals (default 0, below --duration)",
            "Only loopback targets are accepted.");

    /** Per-interval histograms cost ~13 KB each: this caps them at ~160 MB. */
    static final int MAX_RECORDED_INTERVALS = 12_000;

    URI url;
    InetSocketAddress address;
    String hostHeader;
    String pathAndQuery;
    int connections = 64;
    int durationSeconds = 10;
    long maxRequests = 1_000_000_000L;
    boolean keepAlive = true;
    int threads = 1;
    int timeoutMs = 10_000;
    int reconnectBackoffMs = 10;
    int intervalMs = 100;
    Path intervalsFile;
    Path windowsFile;
    Path stopFile;
    int maxResponseHeaderBytes = 65_536;
    /** Requests per second in total for the open loop; 0 = closed loop. */
    long rate;
    int maxBacklog = 10_000;
    private boolean maxBacklogGiven;
    /** Requests offered before this many ms into the run go to the warm-up counts, not the totals. */
    int warmupMs;
    /** For this many ms from the start keep-alive connections reconnect often (warms the connect path). */
    int warmReconnectsMs;
    boolean help;

    boolean openLoop() {
        return rate > 0;
    }

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("-h") || flag.equals("--help")) {
                o.help = true;
                return o;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + flag);
            }
            String v = args[++i];
            switch (flag) {
                case "--url" -> o.url = parseUrl(v);
                case "--connections" -> o.connections = intIn(flag, v, 1, 20_000);
                case "--duration" -> o.durationSeconds = intIn(flag, v, 1, 3600);
                case "--requests" -> o.maxRequests = longIn(flag, v, 1, Long.MAX_VALUE / 2);
                case "--mode" -> o.keepAlive = switch (v) {
                    case "keepalive" -> true;
                    case "close" -> false;
                    default -> throw new IllegalArgumentException("--mode must be keepalive or close, got '" + v + "'");
                };
                case "--threads" -> o.threads = intIn(flag, v, 1, 64);
                case "--timeout-ms" -> o.timeoutMs = intIn(flag, v, 1, 600_000);
                case "--reconnect-backoff-ms" -> o.reconnectBackoffMs = intIn(flag, v, 0, 10_000);
                case "--interval-ms" -> o.intervalMs = intIn(flag, v, 10, 10_000);
                case "--intervals-out" -> o.intervalsFile = Path.of(v);
                case "--windows" -> o.windowsFile = Path.of(v);
                case "--stop-file" -> o.stopFile = Path.of(v);
                case "--max-response-header-bytes" -> o.maxResponseHeaderBytes = intIn(flag, v, 256, 1 << 20);
                case "--rate" -> o.rate = longIn(flag, v, 1, 1_000_000);
                case "--warmup-ms" -> o.warmupMs = intIn(flag, v, 0, 3_600_000);
                case "--warm-reconnects-ms" -> o.warmReconnectsMs = intIn(flag, v, 0, 600_000);
                case "--max-backlog" -> {
                    o.maxBacklog = intIn(flag, v, 0, 10_000_000);
                    o.maxBacklogGiven = true;
                }
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (o.url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        if ((o.windowsFile != null || o.intervalsFile != null)
                && (long) o.durationSeconds * 1000 / o.intervalMs > MAX_RECORDED_INTERVALS) {
            throw new IllegalArgumentException("--windows/--intervals-out keep a histogram per interval: at most "
                    + MAX_RECORDED_INTERVALS + " intervals (duration*1000/interval-ms)");
        }
        if (o.stopFile != null && Files.exists(o.stopFile)) {
            throw new IllegalArgumentException("--stop-file " + o.stopFile + " already exists");
        }
        if (o.warmupMs >= o.durationSeconds * 1000) {
            throw new IllegalArgumentException("--warmup-ms (" + o.warmupMs + ") must be below --duration ("
                    + o.durationSeconds + " s)");
        }
        if (o.maxBacklogGiven && !o.openLoop()) {
            throw new IllegalArgumentException("--max-backlog only applies to the open loop (--rate)");
        }
        if (o.threads > o.connections) {
            throw new IllegalArgumentException("--threads (" + o.threads + ") exceeds --connections (" + o.connections + ")");
        }
        o.resolveTarget();
        return o;
    }

    private void resolveTarget() {
        InetAddress ip;
        try {
            ip = InetAddress.getByName(url.getHost());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot resolve " + url.getHost() + ": " + e.getMessage());
        }
        if (!ip.isLoopbackAddress()) {
            throw new IllegalArgumentException("refusing non-loopback target " + ip.getHostAddress()
                    + " (this generator only loads servers on this machine)");
        }
        int port = url.getPort() < 0 ? 80 : url.getPort();
        address = new InetSocketAddress(ip, port);
        hostHeader = url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + port;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        pathAndQuery = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }

    private static URI parseUrl(String v) {
        try {
            URI u = new URI(v);
            if (!"http".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("--url must be http://HOST:PORT/PATH, got '" + v + "'");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad --url '" + v + "': " + e.getMessage());
        }
    }

    private static int intIn(String flag, String v, int min, int max) {
        return (int) longIn(flag, v, min, max);
    }

    private static long longIn(String flag, String v, long min, long max) {
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a number, got '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(flag + " must be in " + min + ".." + max + ", got " + n);
        }
        return n;
    }

    byte[] requestBytes() {
        String req = "GET " + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: " + hostHeader + "\r\n"
                + "User-Agent: zentinel-bench-loadgen\r\n"
                + (keepAlive ? "" : "Connection: close\r\n")
                + "\r\n";
        return req.getBytes(StandardCharsets.US_ASCII);
    }
}

/** How a started request ended. Every kind except OK counts as a failed request. */
enum Outcome {
    OK("ok"),
    /** connect() refused, unreachable or failed. */
    CONNECT("connect"),
    /** an I/O error (typically ECONNRESET / EPIPE) while writing the request or reading the response. */
    RESET("reset"),
    /** the peer closed the connection before sending a single byte of the response. */
    EOF_BEFORE_RESPONSE("eof_before_response"),
    /** the peer closed the connection after part of the response, before its end. */
    EOF_MID_RESPONSE("eof_mid_response"),
    /** unparseable response: bad status line, header block too large, bad chunk size, unsolicited bytes. */
    BAD_RESPONSE("bad_response"),
    /** a complete response whose status is not 2xx. */
    NON_2XX("non_2xx"),
    /** no complete response within --timeout-ms of the start (open loop: of the due time, queued or not). */
    TIMEOUT("timeout"),
    /** open loop only: due while every connection was busy and the backlog full; never sent. */
    OVERLOAD("overload");

    final String key;

    Outcome(String key) {
        this.key = key;
    }

    static final Outcome[] FAILURES = {CONNECT, RESET, EOF_BEFORE_RESPONSE, EOF_MID_RESPONSE, BAD_RESPONSE, NON_2XX, TIMEOUT, OVERLOAD};
}

/**
 * Log-linear latency histogram in microseconds: exact below 128 us, then 64 sub-buckets per
 * power of two (reported values within ~0.8% of the truth). Values above ~10 minutes are
 * clamped. Fixed size, so memory is bounded per instance.
 */
final class LatencyHistogram {
    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    private static final int LINEAR = SUB * 2;
    private static final long MAX_US = 600_000_000L;
    static final int BUCKETS = indexOf(MAX_US) + 1;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long maxUs;

    static int indexOf(long us) {
        long v = Math.min(Math.max(us, 0), MAX_US);
        if (v < LINEAR) {
            return (int) v;
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);
        int shift = msb - SUB_BITS;
        int sub = (int) (v >>> shift) - SUB;
        return LINEAR + (shift - 1) * SUB + sub;
    }

    /** Midpoint of the bucket, the value reported for it. */
    static long valueOf(int index) {
        if (index < LINEAR) {
            return index;
        }
        int shift = (index - LINEAR) / SUB + 1;
        int sub = (index - LINEAR) % SUB + SUB;
        long low = (long) sub << shift;
        return low + ((1L << shift) >> 1);
    }

    void record(long us) {
        counts[indexOf(us)]++;
        total++;
        if (us > maxUs) {
            maxUs = us;
        }
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        maxUs = Math.max(maxUs, other.maxUs);
    }

    long total() {
        return total;
    }

    long maxUs() {
        return maxUs;
    }

    /** The value at quantile q (0..1], or 0 when empty. */
    long percentile(double q) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(valueOf(i), maxUs);
            }
        }
        return maxUs;
    }
}

/**
 * Per-interval counts of every outcome, and (only when asked, since it costs ~13 KB per
 * interval) a latency histogram per interval so arbitrary windows can be evaluated later.
 */
final class IntervalSeries {
    final long intervalNanos;
    final long[][] outcomes;
    /** Requests offered per interval, by due time (open loop) or start time (closed loop). */
    final long[] offered;
    /** Open loop: the generator's worst lateness per interval (by due time), microseconds. */
    final long[] scheduleLagMaxUs;
    final LatencyHistogram[] latency;

    IntervalSeries(long intervalNanos, int intervals, boolean keepLatency) {
        this.intervalNanos = intervalNanos;
        this.outcomes = new long[Outcome.values().length][intervals];
        this.offered = new long[intervals];
        this.scheduleLagMaxUs = new long[intervals];
        this.latency = keepLatency ? new LatencyHistogram[intervals] : null;
    }

    int size() {
        return outcomes[0].length;
    }

    private int indexOf(long offsetNanos) {
        return (int) Math.min(Math.max(offsetNanos / intervalNanos, 0), size() - 1);
    }

    void recordOffered(long offsetNanos) {
        offered[indexOf(offsetNanos)]++;
    }

    void recordScheduleLag(long offsetNanos, long lagUs) {
        int i = indexOf(offsetNanos);
        scheduleLagMaxUs[i] = Math.max(scheduleLagMaxUs[i], lagUs);
    }

    void record(long offsetNanos, Outcome outcome, long latencyUs) {
        int i = indexOf(offsetNanos);
        outcomes[outcome.ordinal()][i]++;
        if (latency != null && outcome == Outcome.OK) {
            LatencyHistogram h = latency[i];
            if (h == null) {
                h = latency[i] = new LatencyHistogram();
            }
            h.record(latencyUs);
        }
    }

    void add(IntervalSeries other) {
        for (int i = 0; i < size(); i++) {
            offered[i] += other.offered[i];
            scheduleLagMaxUs[i] = Math.max(scheduleLagMaxUs[i], other.scheduleLagMaxUs[i]);
        }
        for (int k = 0; k < outcomes.length; k++) {
            for (int i = 0; i < size(); i++) {
                outcomes[k][i] += other.outcomes[k][i];
            }
        }
        if (latency != null) {
            for (int i = 0; i < size(); i++) {
                if (other.latency[i] != null) {
                    if (latency[i] == null) {
                        latency[i] = new LatencyHistogram();
                    }
                    latency[i].add(other.latency[i]);
                }
            }
        }
    }

    long ok(int i) {
        return outcomes[Outcome.OK.ordinal()][i];
    }

    long failed(int i) {
        long n = 0;
        for (Outcome o : Outcome.FAILURES) {
            n += outcomes[o.ordinal()][i];
        }
        return n;
    }
}

/** What one worker thread observed; merged across workers at the end. */
final class Stats {
    final long[] outcomes = new long[Outcome.values().length];
    final LatencyHistogram latency = new LatencyHistogram();
    final IntervalSeries series;
    long connectionsOpened;
    long offered;
    /** Open loop: how late the generator noticed a request was due (its own scheduling error), after the warm-up. */
    final LatencyHistogram scheduleLag = new LatencyHistogram();
    /** Open loop: the most due requests that waited for a connection at once. */
    long backlogMax;
    /** Open loop: idle keep-alive connections the server closed between requests (not failures). */
    long idleClosed;

    Stats(long intervalNanos, int intervals, boolean keepIntervalLatency) {
        series = new IntervalSeries(intervalNanos, intervals, keepIntervalLatency);
    }

    /** Requests offered in the generator's warm-up: counted apart from the totals, never dropped. */
    long warmupOffered;
    final long[] warmupOutcomes = new long[Outcome.values().length];

    void recordOffered(long offsetNanos, boolean warmup) {
        if (warmup) {
            warmupOffered++;
        } else {
            offered++;
        }
        series.recordOffered(offsetNanos);
    }

    /** A warm-up request's outcome: in the per-interval series, but not in the totals or latency. */
    void recordWarmup(long offsetNanos, Outcome outcome, long latencyUs) {
        warmupOutcomes[outcome.ordinal()]++;
        series.record(offsetNanos, outcome, latencyUs);
    }

    void record(long offsetNanos, Outcome outcome, long latencyUs) {
        outcomes[outcome.ordinal()]++;
        if (outcome == Outcome.OK) {
            latency.record(latencyUs);
        }
        series.record(offsetNanos, outcome, latencyUs);
    }

    void add(Stats other) {
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] += other.outcomes[i];
        }
        latency.add(other.latency);
        series.add(other.series);
        connectionsOpened += other.connectionsOpened;
        offered += other.offered;
        warmupOffered += other.warmupOffered;
        for (int i = 0; i < warmupOutcomes.length; i++) {
            warmupOutcomes[i] += other.warmupOutcomes[i];
        }
        scheduleLag.add(other.scheduleLag);
        // Workers keep separate backlogs: their peaks may not coincide, so the sum is an upper bound.
        backlogMax += other.backlogMax;
        idleClosed += other.idleClosed;
    }

    long ok() {
        return outcomes[Outcome.OK.ordinal()];
    }

    long failed() {
        long n = 0;
        for (Outcome o : Outcome.FAILURES) {
            n += outcomes[o.ordinal()];
        }
        return n;
    }
}

/**
 * Incremental HTTP/1.x response parser: status line, headers (only Content-Length,
 * Transfer-Encoding and Connection matter), then a body delimited by length, chunks or EOF.
 * Works on raw bytes so the generator spends little CPU per response.
 */
final class ResponseParser {
    enum Result { NEED_MORE, DONE, ERROR }

    private enum State { STATUS, HEADERS, BODY_LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILERS, BODY_UNTIL_EOF }

    private final int maxHeadBytes;
    private final byte[] line;
    private int lineLen;
    private int headBytes;
    private State state;
    private boolean started;
    private int status;
    private boolean http10;
    private long contentLength;
    private boolean chunked;
    private boolean connectionClose;
    private boolean connectionKeepAlive;
    private long remaining;
    private String error;

    ResponseParser(int maxHeadBytes) {
        this.maxHeadBytes = maxHeadBytes;
        this.line = new byte[Math.min(maxHeadBytes, 16_384)];
        reset();
    }

    void reset() {
        state = State.STATUS;
        lineLen = 0;
        headBytes = 0;
        started = false;
        status = 0;
        http10 = false;
        contentLength = -1;
        chunked = false;
        connectionClose = false;
        connectionKeepAlive = false;
        remaining = 0;
        error = null;
    }

    boolean started() {
        return started;
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }

    /** Whether the server means to close after this response. */
    boolean closeAfter() {
        return connectionClose || (http10 && !connectionKeepAlive) || state == State.BODY_UNTIL_EOF;
    }

    /** Consumes bytes from buf (position advanced); stops at the end of one response. */
    Result feed(ByteBuffer buf) {
        if (buf.hasRemaining()) {
            started = true;
        }
        while (buf.hasRemaining()) {
            switch (state) {
                case STATUS, HEADERS, CHUNK_SIZE, CHUNK_CRLF, TRAILERS -> {
                    if (!readLine(buf)) {
                        if (error != null) {
                            return Result.ERROR;
                        }
                        return Result.NEED_MORE;
                    }
                    Result r = onLine();
                    if (r != Result.NEED_MORE) {
                        return r;
                    }
                }
                case BODY_LENGTH, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, buf.remaining());
                    buf.position(buf.position() + n);
                    remaining -= n;
                    if (remaining == 0) {
                        if (state == State.BODY_LENGTH) {
                            return Result.DONE;
                        }
                        state = State.CHUNK_CRLF;
                    }
                }
                case BODY_UNTIL_EOF -> buf.position(buf.limit());
            }
        }
        return Result.NEED_MORE;
    }

    /** The peer closed: completes a read-until-EOF body, anything else is truncation. */
    Result onEof() {
        return state == State.BODY_UNTIL_EOF ? Result.DONE : Result.ERROR;
    }

    private boolean readLine(ByteBuffer buf) {
        while (buf.hasRemaining()) {
            byte b = buf.get();
            if (state == State.STATUS || state == State.HEADERS || state == State.TRAILERS) {
                if (++headBytes > maxHeadBytes) {
                    error = "response head exceeds " + maxHeadBytes + " bytes";
                    return false;
                }
            }
            if (b == '\n') {
                if (lineLen > 0 && line[lineLen - 1] == '\r') {
                    lineLen--;
                }
                return true;
            }
            if (lineLen == line.length) {
                error = "response line longer than " + line.length + " bytes";
                return false;
            }
            line[lineLen++] = b;
        }
        return false;
    }

    private Result onLine() {
        int len = lineLen;
        lineLen = 0;
        switch (state) {
            case STATUS -> {
                // "HTTP/1.1 200 ..." : version, space, three digits.
                if (len < 12 || !startsWith(0, len, "HTTP/1.") || line[8] != ' ') {
                    return fail("bad status line");
                }
                http10 = line[7] == '0';
                int s = 0;
                for (int i = 9; i < 12; i++) {
                    byte d = line[i];
                    if (d < '0' || d > '9') {
                        return fail("bad status code");
                    }
                    s = s * 10 + (d - '0');
                }
                status = s;
                state = State.HEADERS;
            }
            case HEADERS -> {
                if (len == 0) {
                    return endOfHead();
                }
                onHeader(len);
                if (error != null) {
                    return Result.ERROR;
                }
            }
            case CHUNK_SIZE -> {
                long size = 0;
                int digits = 0;
                for (int i = 0; i < len; i++) {
                    int d = Character.digit(line[i], 16);
                    if (d < 0) {
                        if (line[i] == ';' || line[i] == ' ' || line[i] == '\t') {
                            break;
                        }
                        return fail("bad chunk size");
                    }
                    if (++digits > 15) {
                        return fail("chunk size too large");
                    }
                    size = size * 16 + d;
                }
                if (digits == 0) {
                    return fail("empty chunk size");
                }
                if (size == 0) {
                    state = State.TRAILERS;
                } else {
                    remaining = size;
                    state = State.CHUNK_DATA;
                }
            }
            case CHUNK_CRLF -> {
                if (len != 0) {
                    return fail("missing CRLF after chunk");
                }
                state = State.CHUNK_SIZE;
            }
            case TRAILERS -> {
                if (len == 0) {
                    return Result.DONE;
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
        return Result.NEED_MORE;
    }

    private Result endOfHead() {
        if (status >= 100 && status < 200 && status != 101) {
            // Interim response (e.g. 100 Continue): the real one follows.
            state = State.STATUS;
            headBytes = 0;
            return Result.NEED_MORE;
        }
        if (status == 204 || status == 304 || status == 101) {
            return Result.DONE;
        }
        if (chunked) {
            state = State.CHUNK_SIZE;
            return Result.NEED_MORE;
        }
        if (contentLength >= 0) {
            if (contentLength == 0) {
                return Result.DONE;
            }
            remaining = contentLength;
            state = State.BODY_LENGTH;
            return Result.NEED_MORE;
        }
        state = State.BODY_UNTIL_EOF;
        return Result.NEED_MORE;
    }

    private void onHeader(int len) {
        int colon = -1;
        for (int i = 0; i < len; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon <= 0) {
            fail("header line without name");
            return;
        }
        int v = colon + 1;
        while (v < len && (line[v] == ' ' || line[v] == '\t')) {
            v++;
        }
        if (nameIs(colon, "content-length")) {
            long n = 0;
            int digits = 0;
            for (int i = v; i < len && line[i] != ' ' && line[i] != '\t'; i++) {
                if (line[i] < '0' || line[i] > '9' || ++digits > 18) {
                    fail("bad Content-Length");
                    return;
                }
                n = n * 10 + (line[i] - '0');
            }
            if (digits == 0 || (contentLength >= 0 && contentLength != n)) {
                fail("bad or conflicting Content-Length");
                return;
            }
            contentLength = n;
        } else if (nameIs(colon, "transfer-encoding")) {
            chunked = containsToken(v, len, "chunked");
        } else if (nameIs(colon, "connection")) {
            connectionClose |= containsToken(v, len, "close");
            connectionKeepAlive |= containsToken(v, len, "keep-alive");
        }
    }

    private boolean nameIs(int nameLen, String lower) {
        if (nameLen != lower.length()) {
            return false;
        }
        for (int i = 0; i < nameLen; i++) {
            if (Character.toLowerCase((char) line[i]) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean containsToken(int from, int to, String lower) {
        int n = lower.length();
        for (int i = from; i + n <= to; i++) {
            boolean match = true;
            for (int k = 0; k < n && match; k++) {
                match = Character.toLowerCase((char) line[i + k]) == lower.charAt(k);
            }
            if (match) {
                return true;
            }
        }
        return false;
    }

    private boolean startsWith(int from, int len, String ascii) {
        if (len - from < ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (line[from + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private Result fail(String why) {
        error = why;
        return Result.ERROR;
    }
}

/**
 * One connection slot: runs requests back to back on successive connections, and reports each
 * request's outcome exactly once. Owned by a single worker thread.
 */
final class Connection {
    private enum Phase { IDLE, BACKOFF, CONNECTING, WRITING, READING }

    private final Worker worker;
    private final ByteBuffer request;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(16 * 1024);
    private final ResponseParser parser;
    private SocketChannel channel;
    private SelectionKey key;
    private Phase phase = Phase.IDLE;
    private long startNanos;
    private long deadlineNanos;
    private long responses;

    Connection(Worker worker, byte[] requestBytes, int maxHeadBytes) {
        this.worker = worker;
        this.request = ByteBuffer.allocateDirect(requestBytes.length);
        this.request.put(requestBytes).flip();
        this.parser = new ResponseParser(maxHeadBytes);
    }

    boolean inFlight() {
        return phase == Phase.CONNECTING || phase == Phase.WRITING || phase == Phase.READING;
    }

    boolean idle() {
        return phase == Phase.IDLE;
    }

    /**
     * Starts the next request, opening a connection if there is none. Latency and the timeout
     * count from {@code since}: now in the closed loop, the due time in the open loop.
     */
    void startRequest(long since) {
        startNanos = since;
        deadlineNanos = since + worker.timeoutNanos();
        parser.reset();
        readBuffer.clear();
        request.rewind();
        if (channel == null) {
            connect();
        } else {
            phase = Phase.WRITING;
            write();
        }
    }

    private void connect() {
        phase = Phase.CONNECTING;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            worker.stats().connectionsOpened++;
            boolean connected = channel.connect(worker.address());
            key = channel.register(worker.selector(), connected ? 0 : SelectionKey.OP_CONNECT, this);
            if (connected) {
                phase = Phase.WRITING;
                write();
            }
        } catch (IOException e) {
            finish(Outcome.CONNECT, true);
        }
    }

    /** Called by the worker when the selector reports readiness for this slot. */
    void onReady(SelectionKey k) {
        try {
            if (phase == Phase.CONNECTING && k.isConnectable()) {
                try {
                    channel.finishConnect();
                } catch (IOException e) {
                    finish(Outcome.CONNECT, true);
                    return;
                }
                phase = Phase.WRITING;
                write();
            } else if (phase == Phase.WRITING && k.isWritable()) {
                write();
            } else if (phase == Phase.READING && k.isReadable()) {
                read();
            } else if (phase == Phase.IDLE && k.isReadable()) {
                onIdleReadable();
            }
        } catch (java.nio.channels.CancelledKeyException e) {
            // The slot closed this channel earlier in the same select round; nothing to do.
        }
    }

    private void write() {
        try {
            channel.write(request);
        } catch (IOException e) {
            finish(Outcome.RESET, false);
            return;
        }
        if (request.hasRemaining()) {
            key.interestOps(SelectionKey.OP_WRITE);
        } else {
            phase = Phase.READING;
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void read() {
        // Bounded: at most a few reads per readiness event so one busy connection cannot starve others.
        for (int round = 0; round < 4; round++) {
            int n;
            try {
                n = channel.read(readBuffer);
            } catch (IOException e) {
                finish(Outcome.RESET, false);
                return;
            }
            if (n < 0) {
                if (!parser.started()) {
                    finish(Outcome.EOF_BEFORE_RESPONSE, false);
                } else if (parser.onEof() == ResponseParser.Result.DONE) {
                    complete(true);
                } else {
                    finish(Outcome.EOF_MID_RESPONSE, false);
                }
                return;
            }
            if (n == 0) {
                return;
            }
            readBuffer.flip();
            ResponseParser.Result r = parser.feed(readBuffer);
            boolean leftover = readBuffer.hasRemaining();
            readBuffer.clear();
            if (r == ResponseParser.Result.ERROR) {
                finish(Outcome.BAD_RESPONSE, false);
                return;
            }
            if (r == ResponseParser.Result.DONE) {
                // Bytes after a complete response were never asked for (no pipelining):
                // the response is good, but the connection cannot be trusted any more.
                complete(leftover || parser.closeAfter());
                return;
            }
        }
    }

    private void complete(boolean mustClose) {
        int s = parser.status();
        // In the reconnecting warm-up every second response ends its connection (client side).
        boolean warmReconnect = worker.warmingReconnects(System.nanoTime()) && (++responses & 1) == 0;
        finish(s >= 200 && s < 300 ? Outcome.OK : Outcome.NON_2XX, false,
                mustClose || !worker.keepAlive() || warmReconnect);
    }

    /** Deadline check, driven by the worker's periodic scan. */
    void checkTimeout(long now) {
        if (inFlight() && now - deadlineNanos >= 0) {
            finish(Outcome.TIMEOUT, false);
        } else if (phase == Phase.BACKOFF && now - deadlineNanos >= 0) {
            phase = Phase.IDLE;
            worker.onSlotFree(this, now);
        }
    }

    private void finish(Outcome outcome, boolean backoff) {
        finish(outcome, backoff, true);
    }

    private void finish(Outcome outcome, boolean backoff, boolean close) {
        long now = System.nanoTime();
        worker.record(now, startNanos, outcome);
        if (close) {
            closeChannel();
        }
        if (backoff && worker.reconnectBackoffNanos() > 0) {
            phase = Phase.BACKOFF;
            deadlineNanos = now + worker.reconnectBackoffNanos();
        } else {
            phase = Phase.IDLE;
            if (channel != null) {
                key.interestOps(0);
            }
            worker.onSlotFree(this, now);
        }
    }

    /**
     * Open loop: an idle keep-alive connection waits between requests, and the server may close
     * it meanwhile (idle timeout, drain). Watching it lets the slot notice, as a pooling HTTP
     * client does, instead of sending its next request into a connection known to be closed.
     */
    void watchWhileIdle() {
        if (channel != null) {
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    /** EOF, an error or unsolicited bytes on an idle connection: drop it; the next request reconnects. */
    private void onIdleReadable() {
        readBuffer.clear();
        int n;
        try {
            n = channel.read(readBuffer);
        } catch (IOException e) {
            n = -1;
        }
        readBuffer.clear();
        if (n != 0) {
            worker.stats().idleClosed++;
            closeChannel();
        }
    }

    void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing a socket we are done with; the outcome is already recorded.
            }
            channel = null;
            key = null;
        }
    }
}

/**
 * When the load ends: after --duration, or earlier once the --stop-file appears, so a script
 * can end the load right after its last event instead of guessing a duration up front.
 */
final class LoadDeadline {
    private volatile long endNanos;

    LoadDeadline(long endNanos) {
        this.endNanos = endNanos;
    }

    long endNanos() {
        return endNanos;
    }

    void endNow() {
        long now = System.nanoTime();
        if (now - endNanos < 0) {
            endNanos = now;
        }
    }
}

/**
 * The open loop's timetable: global request k is due at start + k/rate. With several workers,
 * worker i owns requests i, i+T, i+2T, ... so the merged schedule is exactly the asked rate.
 */
final class Schedule {
    private final long startNanos;
    private final long rate;
    private final int stride;
    private final long limit;
    private long next;

    /**
     * @param first this worker's first global request index
     * @param stride the number of workers
     * @param limit global requests allowed in total (--requests)
     */
    Schedule(long startNanos, long rate, int first, int stride, long limit) {
        this.startNanos = startNanos;
        this.rate = rate;
        this.stride = stride;
        this.limit = limit;
        this.next = first;
    }

    /** Whether another request is due before the load ends and within the request limit. */
    boolean hasNext(long endNanos) {
        return next < limit && nextDue() - endNanos < 0;
    }

    long nextDue() {
        // k <= rate * 3600 (the longest run) keeps k * 1e9 far below Long.MAX_VALUE.
        return startNanos + Math.multiplyExact(next, 1_000_000_000L) / rate;
    }

    void advance() {
        next += stride;
    }
}

/** Due times of requests waiting for a free connection, oldest first; grows up to a fixed cap. */
final class DueQueue {
    private final int capacity;
    private long[] ring;
    private int head;
    private int size;

    DueQueue(int capacity) {
        this.capacity = capacity;
        this.ring = new long[Math.max(1, Math.min(capacity, 1024))];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Appends a due time; false when the queue is at its capacity. */
    boolean offer(long due) {
        if (size == capacity) {
            return false;
        }
        if (size == ring.length) {
            long[] bigger = new long[(int) Math.min((long) ring.length * 2, capacity)];
            for (int i = 0; i < size; i++) {
                bigger[i] = ring[(head + i) % ring.length];
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + size) % ring.length] = due;
        size++;
        return true;
    }

    long peek() {
        if (size == 0) {
            throw new IllegalStateException("empty");
        }
        return ring[head];
    }

    long poll() {
        long due = peek();
        head = (head + 1) % ring.length;
        size--;
        return due;
    }
}

/** A selector thread driving a share of the connection slots. */
final class Worker implements Runnable {
    private static final long SCAN_NANOS = 5_000_000L;
    /**
     * Selector waits have millisecond resolution; a due time closer than 1 ms is waited for in
     * naps this short, which bounds both how late a request goes out and how late a response
     * that arrives meanwhile is read (plus the OS timer slack, ~50 us on Linux).
     */
    private static final long NAP_NANOS = 50_000L;

    private final Options options;
    private final long startNanos;
    private final long warmupEndNanos;
    private final long warmReconnectsEndNanos;
    private final LoadDeadline deadline;
    private final long quota;
    private final int slots;
    private final Stats stats;
    private final CountDownLatch done;
    private final List<Connection> connections = new ArrayList<>();
    /** Open loop only (null in the closed loop): the timetable, the waiting requests, the idle slots. */
    private final Schedule schedule;
    private final DueQueue backlog;
    private final ArrayDeque<Connection> idleSlots;
    private Selector selector;
    private long started;
    private Throwable failure;

    Worker(Options options, long startNanos, LoadDeadline deadline, int slots, long quota, Schedule schedule,
            int maxBacklog, Stats stats, CountDownLatch done) {
        this.options = options;
        this.startNanos = startNanos;
        this.warmupEndNanos = startNanos + options.warmupMs * 1_000_000L;
        this.warmReconnectsEndNanos = startNanos + options.warmReconnectsMs * 1_000_000L;
        this.deadline = deadline;
        this.slots = slots;
        this.quota = quota;
        this.schedule = schedule;
        this.backlog = schedule == null ? null : new DueQueue(maxBacklog);
        this.idleSlots = schedule == null ? null : new ArrayDeque<>(slots);
        this.stats = stats;
        this.done = done;
    }

    Selector selector() {
        return selector;
    }

    Stats stats() {
        return stats;
    }

    InetSocketAddress address() {
        return options.address;
    }

    boolean keepAlive() {
        return options.keepAlive;
    }

    long timeoutNanos() {
        return options.timeoutMs * 1_000_000L;
    }

    /** Whether a response completed at {@code now} is still in the reconnecting warm-up. */
    boolean warmingReconnects(long now) {
        return now - warmReconnectsEndNanos < 0;
    }

    long reconnectBackoffNanos() {
        return options.reconnectBackoffMs * 1_000_000L;
    }

    Throwable failure() {
        return failure;
    }

    /** Records a request's outcome; requestStart is when it was offered (start or due time). */
    void record(long now, long requestStart, Outcome outcome) {
        if (requestStart - warmupEndNanos < 0) {
            stats.recordWarmup(now - startNanos, outcome, (now - requestStart) / 1_000);
        } else {
            stats.record(now - startNanos, outcome, (now - requestStart) / 1_000);
        }
    }

    private void recordOffered(long offeredAt) {
        stats.recordOffered(offeredAt - startNanos, offeredAt - warmupEndNanos < 0);
    }

    /** A slot finished a request (or its backoff): give it the next request, if there is one. */
    void onSlotFree(Connection c, long now) {
        if (schedule != null) {
            onSlotFreeOpenLoop(c, now);
        } else if (now - deadline.endNanos() < 0 && started < quota) {
            started++;
            recordOffered(now);
            c.startRequest(now);
        } else {
            c.closeChannel();
        }
    }

    /** Open loop: the oldest waiting request still inside its timeout, else back to the idle queue. */
    private void onSlotFreeOpenLoop(Connection c, long now) {
        expireBacklog(now);
        if (!backlog.isEmpty()) {
            c.startRequest(backlog.poll());
        } else {
            c.watchWhileIdle();
            idleSlots.addLast(c);
        }
    }

    /** Requests that waited in the backlog past their timeout (counted from the due time) fail. */
    private void expireBacklog(long now) {
        while (!backlog.isEmpty() && now - (backlog.peek() + timeoutNanos()) >= 0) {
            record(now, backlog.poll(), Outcome.TIMEOUT);
        }
    }

    /** Open loop: every request due by now goes to an idle slot, into the backlog, or fails as overload. */
    private void issueDue(long now) {
        long end = deadline.endNanos();
        while (schedule.hasNext(end) && schedule.nextDue() - now <= 0) {
            long due = schedule.nextDue();
            schedule.advance();
            recordOffered(due);
            if (due - warmupEndNanos >= 0) {
                stats.scheduleLag.record((now - due) / 1_000);
            }
            stats.series.recordScheduleLag(due - startNanos, (now - due) / 1_000);
            Connection c = idleSlots.pollFirst();
            if (c != null) {
                c.startRequest(due);
            } else if (backlog.offer(due)) {
                stats.backlogMax = Math.max(stats.backlogMax, backlog.size());
            } else {
                record(now, due, Outcome.OVERLOAD);
            }
        }
    }

    @Override
    public void run() {
        try (Selector s = Selector.open()) {
            selector = s;
            byte[] req = options.requestBytes();
            for (int i = 0; i < slots; i++) {
                connections.add(new Connection(this, req, options.maxResponseHeaderBytes));
            }
            long now = System.nanoTime();
            if (schedule == null) {
                for (Connection c : connections) {
                    onSlotFree(c, now);
                }
            } else {
                idleSlots.addAll(connections);
            }
            loop();
        } catch (Throwable t) {
            failure = t;
        } finally {
            for (Connection c : connections) {
                c.closeChannel();
            }
            done.countDown();
        }
    }

    private void loop() throws IOException {
        long nextScan = System.nanoTime() + SCAN_NANOS;
        while (true) {
            if (schedule == null) {
                selector.select(k -> ((Connection) k.attachment()).onReady(k), 5);
            } else {
                long now = System.nanoTime();
                issueDue(now);
                waitForIoOrDue(now, nextScan);
            }
            long now = System.nanoTime();
            if (now - nextScan >= 0) {
                nextScan = now + SCAN_NANOS;
                boolean busy = false;
                for (Connection c : connections) {
                    c.checkTimeout(now);
                    busy |= !c.idle();
                }
                long end = deadline.endNanos();
                boolean moreToOffer;
                if (schedule == null) {
                    moreToOffer = now - end < 0 && started < quota;
                } else {
                    expireBacklog(now);
                    busy |= !backlog.isEmpty();
                    moreToOffer = schedule.hasNext(end);
                }
                if (!busy && !moreToOffer) {
                    return;
                }
                // After the load ends, in-flight (and queued) requests get their own timeout to
                // finish; this hard stop is a second bound in case a bug leaves a slot stuck.
                if (now - (end + timeoutNanos() + 2_000_000_000L) >= 0) {
                    throw new IllegalStateException("connections still busy " + (now - end) / 1_000_000 + " ms after the end");
                }
            }
        }
    }

    /** Open loop: handles I/O until the next request is due or the next scan, whichever is first. */
    private void waitForIoOrDue(long now, long nextScan) throws IOException {
        long wait = nextScan - now;
        if (schedule.hasNext(deadline.endNanos())) {
            wait = Math.min(wait, schedule.nextDue() - now);
        }
        if (wait >= 1_000_000L) {
            selector.select(k -> ((Connection) k.attachment()).onReady(k), wait / 1_000_000L);
        } else if (selector.selectNow(k -> ((Connection) k.attachment()).onReady(k)) == 0 && wait > 0) {
            LockSupport.parkNanos(Math.min(wait, NAP_NANOS));
        }
    }
}

/** Starts the workers, waits for them, merges what they saw. */
final class Run {
    /**
     * The first selector, socket and lambda of a JVM cost tens of milliseconds of class loading
     * and linking. Paid here, before the clock starts, so the open loop's first due requests do
     * not wait for it (that wait would be counted as latency of whatever serves them).
     */
    private static void preloadIoClasses() throws IOException {
        try (Selector s = Selector.open(); SocketChannel c = SocketChannel.open()) {
            c.configureBlocking(false);
            c.register(s, SelectionKey.OP_CONNECT);
            s.selectNow(k -> k.attachment());
        }
    }

    private final Options options;
    long startNanos;
    long startEpochMs;
    long elapsedNanos;
    /** How long load was offered (the duration, or less when the stop file ended it). */
    long loadNanos;
    /** The part of loadNanos after the generator's warm-up: what the totals' rates are over. */
    long measuredNanos;

    Run(Options options) {
        this.options = options;
    }

    int intervals() {
        long total = (long) options.durationSeconds * 1000 + options.timeoutMs + 3000;
        return (int) (total / options.intervalMs + 1);
    }

    Stats execute() throws InterruptedException, IOException {
        LoadDeadline deadline;
        long intervalNanos = options.intervalMs * 1_000_000L;
        boolean keepIntervalLatency = options.windowsFile != null || options.intervalsFile != null;
        int n = options.threads;
        CountDownLatch done = new CountDownLatch(n);
        List<Worker> workers = new ArrayList<>();
        List<Stats> perWorker = new ArrayList<>();
        preloadIoClasses();
        startEpochMs = System.currentTimeMillis();
        startNanos = System.nanoTime();
        deadline = new LoadDeadline(startNanos + options.durationSeconds * 1_000_000_000L);
        for (int i = 0; i < n; i++) {
            int slots = options.connections / n + (i < options.connections % n ? 1 : 0);
            long quota = options.maxRequests / n + (i < options.maxRequests % n ? 1 : 0);
            Schedule schedule = options.openLoop()
                    ? new Schedule(startNanos, options.rate, i, n, options.maxRequests) : null;
            int maxBacklog = options.maxBacklog / n + (i < options.maxBacklog % n ? 1 : 0);
            Stats s = new Stats(intervalNanos, intervals(), keepIntervalLatency);
            perWorker.add(s);
            Worker w = new Worker(options, startNanos, deadline, slots, quota, schedule, maxBacklog, s, done);
            workers.add(w);
            Thread t = new Thread(w, "loadgen-" + i);
            t.setDaemon(true);
            t.start();
        }
        // The waiting thread doubles as the stop-file poller; workers end by themselves anyway.
        while (!done.await(100, TimeUnit.MILLISECONDS)) {
            if (options.stopFile != null && Files.exists(options.stopFile)) {
                deadline.endNow();
            }
        }
        elapsedNanos = System.nanoTime() - startNanos;
        loadNanos = Math.min(elapsedNanos, deadline.endNanos() - startNanos);
        measuredNanos = Math.max(1, loadNanos - options.warmupMs * 1_000_000L);
        for (Worker w : workers) {
            if (w.failure() != null) {
                throw new IllegalStateException("worker failed", w.failure());
            }
        }
        Stats total = new Stats(intervalNanos, intervals(), keepIntervalLatency);
        for (Stats s : perWorker) {
            total.add(s);
        }
        return total;
    }
}

/** A named time range in epoch milliseconds, from the --windows file. */
record Window(String name, long startEpochMs, long endEpochMs) {
    static List<Window> readAll(Path file) throws IOException {
        List<Window> out = new ArrayList<>();
        int lineNo = 0;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            try {
                if (f.length != 3) {
                    throw new NumberFormatException("expected 3 fields");
                }
                long a = Long.parseLong(f[1]);
                long b = Long.parseLong(f[2]);
                if (b <= a) {
                    throw new NumberFormatException("end must be after start");
                }
                out.add(new Window(f[0], a, b));
            } catch (NumberFormatException e) {
                throw new IOException(file + ":" + lineNo + ": want 'NAME START_EPOCH_MS END_EPOCH_MS' (" + e.getMessage() + ")");
            }
        }
        return out;
    }
}

/** Formats the summary, the per-interval CSV and the window reports. */
final class Report {
    private final Options options;
    private final Run run;
    private final Stats stats;

    Report(Options options, Run run, Stats stats) {
        this.options = options;
        this.run = run;
        this.stats = stats;
    }

    void printSummary(PrintStream out) {
        // Throughput is over the load period only, not the tail where in-flight requests finish.
        double loadSeconds = run.measuredNanos / 1e9;
        LatencyHistogram h = stats.latency;
        out.printf(Locale.ROOT, "loadgen: %s, %s, %d connections, %d thread(s), %ds, target %s%n",
                options.keepAlive ? "keep-alive" : "connection-close",
                options.openLoop() ? "open loop at " + options.rate + " req/s" : "closed loop",
                options.connections, options.threads, options.durationSeconds, options.address);
        out.printf(Locale.ROOT, "  requests: %d offered, %d ok, %d failed, %d connections opened%n",
                stats.offered, stats.ok(), stats.failed(), stats.connectionsOpened);
        out.printf(Locale.ROOT, "  throughput: %.0f req/s served, %.0f req/s offered%n",
                stats.ok() / loadSeconds, stats.offered / loadSeconds);
        if (options.warmupMs > 0) {
            long warmupOk = stats.warmupOutcomes[Outcome.OK.ordinal()];
            out.printf(Locale.ROOT, "  warm-up (first %d ms, not in the totals): %d offered, %d ok, %d failed%n",
                    options.warmupMs, stats.warmupOffered, warmupOk, stats.warmupOffered - warmupOk);
        }
        if (options.openLoop()) {
            out.printf(Locale.ROOT, "  schedule: sent p99 %.3f ms / max %.3f ms after due; backlog peak %d of %d;"
                            + " %d idle connections closed by the server%n",
                    stats.scheduleLag.percentile(0.99) / 1e3, stats.scheduleLag.maxUs() / 1e3,
                    stats.backlogMax, options.maxBacklog, stats.idleClosed);
        }
        out.printf(Locale.ROOT, "  latency: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
                h.percentile(0.50) / 1e3, h.percentile(0.90) / 1e3, h.percentile(0.99) / 1e3,
                h.percentile(0.999) / 1e3, h.maxUs() / 1e3);
        if (stats.failed() > 0) {
            StringBuilder sb = new StringBuilder("  failed by kind:");
            for (Outcome o : Outcome.FAILURES) {
                long n = stats.outcomes[o.ordinal()];
                if (n > 0) {
                    sb.append(' ').append(o.key).append('=').append(n);
                }
            }
            out.println(sb);
        }
        StringBuilder r = new StringBuilder("RESULT");
        kv(r, "offered", stats.offered);
        kv(r, "ok", stats.ok());
        kv(r, "failed", stats.failed());
        for (Outcome o : Outcome.FAILURES) {
            kv(r, "failed_" + o.key, stats.outcomes[o.ordinal()]);
        }
        kv(r, "rps", String.format(Locale.ROOT, "%.1f", stats.ok() / loadSeconds));
        kv(r, "offered_rps", String.format(Locale.ROOT, "%.1f", stats.offered / loadSeconds));
        kv(r, "rate", options.rate);
        kv(r, "p50_us", h.percentile(0.50));
        kv(r, "p90_us", h.percentile(0.90));
        kv(r, "p99_us", h.percentile(0.99));
        kv(r, "p999_us", h.percentile(0.999));
        kv(r, "max_us", h.maxUs());
        kv(r, "connections_opened", stats.connectionsOpened);
        kv(r, "start_epoch_ms", run.startEpochMs);
        kv(r, "elapsed_ms", run.elapsedNanos / 1_000_000);
        kv(r, "load_ms", run.loadNanos / 1_000_000);
        kv(r, "measured_ms", run.measuredNanos / 1_000_000);
        kv(r, "schedule_lag_p99_us", stats.scheduleLag.percentile(0.99));
        kv(r, "schedule_lag_max_us", stats.scheduleLag.maxUs());
        kv(r, "backlog_max", stats.backlogMax);
        kv(r, "idle_closed", stats.idleClosed);
        kv(r, "warmup_offered", stats.warmupOffered);
        kv(r, "warmup_ok", stats.warmupOutcomes[Outcome.OK.ordinal()]);
        long warmupFailed = 0;
        for (Outcome o : Outcome.FAILURES) {
            warmupFailed += stats.warmupOutcomes[o.ordinal()];
        }
        kv(r, "warmup_failed", warmupFailed);
        out.println(r);
    }

    void writeIntervals(Path file) throws IOException {
        IntervalSeries s = stats.series;
        StringBuilder sb = new StringBuilder("offset_ms,epoch_ms,ok,failed,p50_us,p99_us,max_us");
        for (Outcome o : Outcome.FAILURES) {
            sb.append(",").append(o.key);
        }
        // lag_max_us: the generator's own worst lateness for requests due in the interval (open loop).
        sb.append(",offered,lag_max_us\n");
        int last = lastUsedInterval();
        for (int i = 0; i <= last; i++) {
            long offset = (long) i * options.intervalMs;
            LatencyHistogram h = s.latency[i];
            sb.append(offset).append(',').append(run.startEpochMs + offset).append(',')
                    .append(s.ok(i)).append(',').append(s.failed(i)).append(',')
                    .append(h == null ? 0 : h.percentile(0.5)).append(',')
                    .append(h == null ? 0 : h.percentile(0.99)).append(',')
                    .append(h == null ? 0 : h.maxUs());
            for (Outcome o : Outcome.FAILURES) {
                sb.append(',').append(s.outcomes[o.ordinal()][i]);
            }
            sb.append(',').append(s.offered[i]).append(',').append(s.scheduleLagMaxUs[i]).append('\n');
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    private int lastUsedInterval() {
        IntervalSeries s = stats.series;
        int last = 0;
        for (int i = 0; i < s.size(); i++) {
            if (s.ok(i) + s.failed(i) + s.offered[i] > 0) {
                last = i;
            }
        }
        return last;
    }

    /**
     * Reports the intervals whose start lies in [start, end) of the window: request counts,
     * failures by kind, mean and worst-interval throughput, and latency percentiles.
     */
    void printWindow(PrintStream out, Window w) {
        IntervalSeries s = stats.series;
        long from = Math.floorDiv(w.startEpochMs() - run.startEpochMs, options.intervalMs);
        long to = Math.floorDiv(w.endEpochMs() - run.startEpochMs + options.intervalMs - 1, options.intervalMs);
        // The last used interval is usually partial (load stopped inside it): leave it out.
        int lo = (int) Math.max(0, from);
        int hi = (int) Math.min(lastUsedInterval(), to);
        long ok = 0;
        long offered = 0;
        long[] failed = new long[Outcome.values().length];
        long minOk = Long.MAX_VALUE;
        long lagMaxUs = 0;
        long maxOk = 0;
        LatencyHistogram h = new LatencyHistogram();
        for (int i = lo; i < hi; i++) {
            ok += s.ok(i);
            offered += s.offered[i];
            lagMaxUs = Math.max(lagMaxUs, s.scheduleLagMaxUs[i]);
            minOk = Math.min(minOk, s.ok(i));
            maxOk = Math.max(maxOk, s.ok(i));
            for (Outcome o : Outcome.FAILURES) {
                failed[o.ordinal()] += s.outcomes[o.ordinal()][i];
            }
            if (s.latency != null && s.latency[i] != null) {
                h.add(s.latency[i]);
            }
        }
        int n = Math.max(0, hi - lo);
        double perSecond = 1000.0 / options.intervalMs;
        long failedTotal = 0;
        for (Outcome o : Outcome.FAILURES) {
            failedTotal += failed[o.ordinal()];
        }
        StringBuilder r = new StringBuilder("WINDOW");
        kv(r, "name", w.name());
        kv(r, "intervals", n);
        kv(r, "offered", offered);
        kv(r, "ok", ok);
        kv(r, "failed", failedTotal);
        for (Outcome o : Outcome.FAILURES) {
            kv(r, "failed_" + o.key, failed[o.ordinal()]);
        }
        kv(r, "rps", String.format(Locale.ROOT, "%.1f", n == 0 ? 0.0 : ok * perSecond / n));
        kv(r, "offered_rps", String.format(Locale.ROOT, "%.1f", n == 0 ? 0.0 : offered * perSecond / n));
        kv(r, "min_interval_rps", String.format(Locale.ROOT, "%.1f", n == 0 ? 0.0 : minOk * perSecond));
        kv(r, "max_interval_rps", String.format(Locale.ROOT, "%.1f", maxOk * perSecond));
        kv(r, "p50_us", h.percentile(0.50));
        kv(r, "p99_us", h.percentile(0.99));
        kv(r, "max_us", h.maxUs());
        kv(r, "schedule_lag_max_us", lagMaxUs);
        out.println(r);
    }

    private static void kv(StringBuilder sb, String k, Object v) {
        sb.append(' ').append(k).append('=').append(v);
    }
}
