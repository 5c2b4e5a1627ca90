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
}
