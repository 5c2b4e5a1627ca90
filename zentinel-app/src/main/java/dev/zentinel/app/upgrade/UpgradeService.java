package dev.zentinel.app.upgrade;

import dev.zentinel.handoff.HandoffLimits;
import dev.zentinel.handoff.HandoffListener;
import dev.zentinel.proxy.config.UpgradeConfig;
import io.netty.channel.EventLoopGroup;
import dev.zentinel.proxy.metrics.ProxyMetrics;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The old side's upgrade endpoint: the coordinator plus the handoff socket it listens on (for
 * spawned successors and for operator-started takeovers alike).
 */
public final class UpgradeService implements AutoCloseable {

    private static final long BIND_TIMEOUT_MILLIS = 10_000;

    private final UpgradeCoordinator coordinator;
    private final HandoffListener listener;
    private final ScheduledExecutorService decisions;

    private UpgradeService(UpgradeCoordinator coordinator, HandoffListener listener, ScheduledExecutorService decisions) {
        this.coordinator = coordinator;
        this.listener = listener;
        this.decisions = decisions;
    }

    /**
     * @param launcher     the launcher that starts successors unless a request names another;
     *                     empty when this process was not started by one (then requests must name it)
     * @param runArguments the {@code run} command line a successor gets (without the launcher)
     */
    public static UpgradeService start(UpgradeHost host, ProxyMetrics metrics, UpgradeConfig config,
            Path handoffSocket, Optional<Path> launcher, List<String> runArguments, long generation,
            EventLoopGroup group) throws UpgradeFailedException {
        ScheduledExecutorService decisions = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "zentinel-upgrade");
            thread.setDaemon(true);
            return thread;
        });
        UpgradeCoordinator coordinator = new UpgradeCoordinator(host, new UpgradeMetrics(metrics), decisions,
                config.readinessTimeout(), config.maxDrainingGenerations(), launcher, runArguments, handoffSocket,
                generation, config.successorNice());
        try {
            HandoffListener listener = HandoffListener.bind(handoffSocket, group, HandoffLimits.defaults(), coordinator)
                    .get(BIND_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            return new UpgradeService(coordinator, listener, decisions);
        } catch (ExecutionException e) {
            decisions.shutdownNow();
            throw new UpgradeFailedException("cannot listen on handoff socket " + handoffSocket + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            decisions.shutdownNow();
            throw new UpgradeFailedException("binding handoff socket " + handoffSocket + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            decisions.shutdownNow();
            throw new UpgradeFailedException("interrupted while binding handoff socket " + handoffSocket, e);
        }
    }

    public CompletableFuture<UpgradeResult> upgrade(UpgradeRequest request) {
        return coordinator.upgrade(request);
    }

    /** See {@link UpgradeCoordinator#abortForStop}. */
    public CompletableFuture<Void> abortForStop(String reason) {
        return coordinator.abortForStop(reason);
    }

    /** Gives up the handoff socket path (the successor publishes its own); idempotent. */
    public void stopListening() {
        listener.close();
    }

    @Override
    public void close() {
        listener.close();
        decisions.shutdown();
    }
}
