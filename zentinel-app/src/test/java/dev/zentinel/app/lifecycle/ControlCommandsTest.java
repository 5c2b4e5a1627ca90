package dev.zentinel.app.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zentinel.app.control.ControlCommand;
import dev.zentinel.app.control.ControlCommandException;
import dev.zentinel.app.control.ControlPeer;
import dev.zentinel.app.control.ControlProtocol;
import dev.zentinel.app.control.ControlRequest;
import dev.zentinel.app.upgrade.DrainReport;
import dev.zentinel.app.upgrade.UpgradeFailedException;
import dev.zentinel.app.upgrade.UpgradeRequest;
import dev.zentinel.app.upgrade.UpgradeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ControlCommandsTest {

    private final ControlProtocol protocol = new ControlProtocol();
    private final ControlPeer peer = new ControlPeer(4242, 1000);
    private final List<String> stops = new ArrayList<>();

    private Map<String, ControlCommand> table(Function<UpgradeRequest, CompletableFuture<UpgradeResult>> upgrade) {
        JsonNode status = protocol.mapper().createObjectNode().put("state", "serving");
        return new ControlCommands(protocol, 77, 3, () -> status, reason -> {
            stops.add(reason);
            return protocol.mapper().createObjectNode().put("state", "draining");
        }, upgrade, () -> null).table();
    }

    @Test
    void answersStatusAndStop() {
        Map<String, ControlCommand> table = table(r -> CompletableFuture.failedFuture(new IllegalStateException()));

        assertThat(table.get("status").execute(ControlRequest.of("status"), peer).join().get("state").asText())
                .isEqualTo("serving");
        assertThat(table.get("stop").execute(ControlRequest.of("stop"), peer).join().get("state").asText())
                .isEqualTo("draining");
        assertThat(stops).containsExactly("stop command");
    }

    @Test
    void anUpgradeIsDescribedWithBothPidsAndTheNewGeneration() {
        UpgradeResult result = new UpgradeResult(77, 78, 4, Duration.ofMillis(900), Duration.ofMillis(700));
        JsonNode answer = table(r -> CompletableFuture.completedFuture(result))
                .get("upgrade").execute(ControlRequest.of("upgrade"), peer).join();

        assertThat(answer.get("oldPid").asLong()).isEqualTo(77);
        assertThat(answer.get("newPid").asLong()).isEqualTo(78);
        assertThat(answer.get("generation").asLong()).isEqualTo(4);
        assertThat(answer.get("totalMillis").asLong()).isEqualTo(900);
        assertThat(answer.get("successorStartupMillis").asLong()).isEqualTo(700);
        assertThat(answer.get("summary").asText()).isEqualTo(result.summary());
    }

    @Test
    void aFailedUpgradeIsAnErrorTheCallerCanShow() {
        CompletableFuture<JsonNode> answer = table(r -> CompletableFuture.failedFuture(
                new UpgradeFailedException("still starting")))
                .get("upgrade").execute(ControlRequest.of("upgrade"), peer);

        assertThatThrownBy(answer::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(ControlCommandException.class).hasMessageContaining("still starting");
    }

    @Test
    void aDrainReportBeforeTheLedgerExistsIsRefused() {
        CompletableFuture<JsonNode> answer = table(r -> CompletableFuture.failedFuture(new IllegalStateException()))
                .get(DrainReport.COMMAND).execute(ControlRequest.of(DrainReport.COMMAND), peer);

        assertThatThrownBy(answer::join).cause().isInstanceOf(ControlCommandException.class)
                .hasMessage("still starting");
    }
}
