package dev.zentinel.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void unwrapsFutureWrappers() {
        IOException root = new IOException("boom");

        assertThat(Failures.unwrap(new CompletionException(new ExecutionException(root)))).isSameAs(root);
    }

    @Test
    void keepsTheOutermostMessageAndNamesABindConflict() {
        Throwable failure = new CompletionException(
                new IOException("listener http 127.0.0.1:8080", new BindException("bind(..) failed")));

        assertThat(Failures.describe(failure)).isEqualTo("listener http 127.0.0.1:8080: address already in use");
    }

    @Test
    void doesNotRepeatAnAddressInUseMessage() {
        Throwable failure = new IOException("bind(..) failed: Address already in use");

        assertThat(Failures.describe(failure)).isEqualTo("bind(..) failed: Address already in use");
    }

    @Test
    void fallsBackToTheTypeWithoutAnyMessage() {
        assertThat(Failures.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
    }
}
