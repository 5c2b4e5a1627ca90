package dev.zentinel.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WarmUpClientEndTest {

    @Test
    void aHandfulOfConnectionsResetAtPowersOfTwoTheRestAskForClose() {
        assertThat(IntStream.rangeClosed(1, 4096).filter(n -> WarmUp.ClientEnd.of(n) == WarmUp.ClientEnd.RESETS))
                .containsExactly(16, 32, 64, 128, 256, 512, 1024, 2048, 4096);
        assertThat(WarmUp.ClientEnd.of(1)).as("the first connections are left to the usual ending")
                .isEqualTo(WarmUp.ClientEnd.ASKS_CLOSE);
        assertThat(WarmUp.ClientEnd.of(8)).isEqualTo(WarmUp.ClientEnd.ASKS_CLOSE);
        assertThat(WarmUp.ClientEnd.of(48)).isEqualTo(WarmUp.ClientEnd.ASKS_CLOSE);
        assertThat(WarmUp.ClientEnd.of(Integer.MAX_VALUE)).isEqualTo(WarmUp.ClientEnd.ASKS_CLOSE);
    }

    @Test
    void aResettingConnectionSendsOneRequestFewerSoThatNoneOfItsRequestsAsksForClose() {
        int perConnection = WarmUpRequests.PER_CONNECTION;
        assertThat(IntStream.range(0, perConnection).filter(WarmUp.ClientEnd.ASKS_CLOSE::isLast))
                .containsExactly(perConnection - 1);
        assertThat(WarmUpRequests.closes(perConnection - 1)).isTrue();
        assertThat(IntStream.range(0, perConnection).filter(WarmUp.ClientEnd.RESETS::isLast))
                .containsExactly(perConnection - 2);
        assertThat(IntStream.rangeClosed(0, perConnection - 2).filter(WarmUpRequests::closes)).isEmpty();
    }
}
