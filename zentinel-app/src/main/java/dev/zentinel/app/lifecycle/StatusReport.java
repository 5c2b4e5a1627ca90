package dev.zentinel.app.lifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zentinel.app.upgrade.DrainReportLedger;
import java.time.Instant;
import java.util.Map;

/**
 * The status document, shared by the control socket's {@code status} command and the admin
 * endpoint's {@code /status}:
 * <pre>
 * {"pid":..,"version":..,"generation":..,"state":"serving","startedAt":"..Z","transport":"epoll",
 *  "listeners":[{"name":"http","address":"127.0.0.1:8080","connections":3}],"connections":3,
 *  "admin":"127.0.0.1:9901","draining":[{"pid":..,"generation":..,"since":"..Z"}],
 *  "drainReports":[{"generation":..,"pid":..,"finished":..,"forceClosed":..,"durationMillis":..,"at":"..Z"}]}
 * </pre>
 * {@code drainReports} lists the latest drains of older generations, newest first (see
 * {@link DrainReportLedger}).
 */
public final class StatusReport {

    private final ObjectMapper mapper;
    private final long pid;
    private final String version;
    private final long generation;
    private final Instant startedAt;
    private final StateMachine state;
    private final DrainingGenerations draining;
    private volatile ProxyInstance instance;
    private volatile DrainReportLedger drainReports;

    public StatusReport(ObjectMapper mapper, long pid, String version, long generation, Instant startedAt,
            StateMachine state, DrainingGenerations draining) {
        this.mapper = mapper;
        this.pid = pid;
        this.version = version;
        this.generation = generation;
        this.startedAt = startedAt;
        this.state = state;
        this.draining = draining;
    }

    /** Called once the proxy pieces exist; before that, status shows no listeners. */
    void attach(ProxyInstance proxyInstance, DrainReportLedger ledger) {
        this.instance = proxyInstance;
        this.drainReports = ledger;
    }

    public ObjectNode snapshot() {
        ObjectNode root = mapper.createObjectNode();
        root.put("pid", pid);
        root.put("version", version);
        root.put("generation", generation);
        root.put("state", state.current().label());
        root.put("startedAt", startedAt.toString());
        ArrayNode listeners = root.putArray("listeners");
        ProxyInstance current = instance;
        long connections = 0;
        if (current != null) {
            root.put("transport", current.transportName());
            Map<String, ? extends Number> byListener = current.activeConnectionsByListener();
            current.listenerAddresses().forEach((name, address) -> {
                ObjectNode listener = listeners.addObject();
                listener.put("name", name);
                listener.put("address", address);
                Number open = byListener.get(name);
                listener.put("connections", open == null ? 0 : open.longValue());
            });
            connections = current.activeConnections();
            current.adminAddress().ifPresent(a -> root.put("admin", ProxyInstance.format(a)));
            root.put("accessLogDropped", current.accessLogDropped());
        }
        root.put("connections", connections);
        ArrayNode older = root.putArray("draining");
        for (DrainingGenerations.Entry entry : draining.list()) {
            older.addObject()
                    .put("pid", entry.pid())
                    .put("generation", entry.generation())
                    .put("since", entry.drainingSince().toString());
        }
        ArrayNode reports = root.putArray("drainReports");
        DrainReportLedger ledger = drainReports;
        if (ledger != null) {
            ledger.recent().forEach(report -> report.toArguments(reports.addObject()));
        }
        return root;
    }

    public String json() {
        try {
            return mapper.writeValueAsString(snapshot());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode status", e);
        }
    }
}
