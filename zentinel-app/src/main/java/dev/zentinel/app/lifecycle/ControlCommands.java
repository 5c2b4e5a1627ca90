package dev.zentinel.app.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zentinel.app.Failures;
import dev.zentinel.app.control.ControlCommand;
import dev.zentinel.app.control.ControlCommandException;
import dev.zentinel.app.control.ControlPeer;
import dev.zentinel.app.control.ControlProtocol;
import dev.zentinel.app.control.ControlRequest;
import dev.zentinel.app.upgrade.DrainReport;
import dev.zentinel.app.upgrade.DrainReportLedger;
import dev.zentinel.app.upgrade.DrainReportRejectedException;
import dev.zentinel.app.upgrade.UpgradeRequest;
import dev.zentinel.app.upgrade.UpgradeRequests;
import dev.zentinel.app.upgrade.UpgradeResult;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the control socket answers: status, stop, upgrade, and the drain reports of older
 * generations. Each command turns a request into the instance's own action and its JSON answer.
 */
final class ControlCommands {

    private final ControlProtocol protocol;
    private final long pid;
    private final long generation;
    private final Supplier<JsonNode> status;
    private final Function<String, JsonNode> stop;
    private final Function<UpgradeRequest, CompletableFuture<UpgradeResult>> upgrade;
    private final Supplier<DrainReportLedger> drainReports;

    /**
     * @param stop         begins the graceful stop for a reason and describes it
     * @param upgrade      starts an upgrade; fails while the instance still starts
     * @param drainReports the ledger, or null while the instance still starts
     */
    ControlCommands(ControlProtocol protocol, long pid, long generation, Supplier<JsonNode> status,
            Function<String, JsonNode> stop, Function<UpgradeRequest, CompletableFuture<UpgradeResult>> upgrade,
            Supplier<DrainReportLedger> drainReports) {
        this.protocol = protocol;
        this.pid = pid;
        this.generation = generation;
        this.status = status;
        this.stop = stop;
        this.upgrade = upgrade;
        this.drainReports = drainReports;
    }

    Map<String, ControlCommand> table() {
        return Map.of(
                "status", (request, peer) -> CompletableFuture.completedFuture(status.get()),
                "stop", (request, peer) -> CompletableFuture.completedFuture(stop.apply("stop command")),
                "upgrade", (request, peer) -> upgrade(request),
                DrainReport.COMMAND, this::acceptDrainReport);
    }

    private CompletableFuture<JsonNode> upgrade(ControlRequest request) {
        return upgrade.apply(UpgradeRequests.from(request))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        new ControlCommandException(Failures.describe(e))))
                .thenApply(this::describe);
    }

    private JsonNode describe(UpgradeResult result) {
        ObjectNode answer = protocol.mapper().createObjectNode();
        answer.put("oldPid", result.oldPid());
        answer.put("newPid", result.newPid());
        answer.put("generation", result.newGeneration());
        answer.put("totalMillis", result.total().toMillis());
        answer.put("successorStartupMillis", result.successorStartup().toMillis());
        answer.put("summary", result.summary());
        return answer;
    }

    /** An older generation reports how its drain ended; counted here since it has no endpoint of its own left. */
    private CompletableFuture<JsonNode> acceptDrainReport(ControlRequest request, ControlPeer peer) {
        DrainReportLedger ledger = drainReports.get();
        if (ledger == null) {
            return CompletableFuture.failedFuture(new ControlCommandException("still starting"));
        }
        try {
            DrainReport report = ledger.accept(request.arguments(), peer.pid());
            ObjectNode answer = protocol.mapper().createObjectNode();
            answer.put("counted", true);
            answer.put("pid", pid);
            answer.put("generation", generation);
            answer.put("summary", report.summary());
            return CompletableFuture.completedFuture(answer);
        } catch (DrainReportRejectedException e) {
            return CompletableFuture.failedFuture(new ControlCommandException("drain report rejected: " + e.getMessage()));
        }
    }
}
