package dev.zentinel.app.upgrade;

import dev.zentinel.app.runtime.Niceness;
import dev.zentinel.handoff.HandoffAcceptor;
import dev.zentinel.handoff.HandoffOffer;
import dev.zentinel.handoff.HandoffRefusedException;
import dev.zentinel.handoff.HandoffSession;
import dev.zentinel.handoff.PeerInfo;
import dev.zentinel.handoff.ReadyReport;
import dev.zentinel.handoff.SuccessorProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The old side of an upgrade: at most one attempt at a time, started either by an operator
 * (spawn mode: we start the successor and accept only its pid) or by a successor that connects on
 * its own (takeover mode). Until the successor says READY nothing changes here: any failure
 * (exit, crash, hang past the readiness timeout, refused config, protocol error) kills or
 * forgets the successor and this process serves on. After READY it stops accepting, lets the
 * successor know, and drains.
 *
 * <p>When the instance is asked to stop, {@link #abortForStop} closes this coordinator for good:
 * an attempt not yet decided is aborted (its successor told so and terminated), and a successor
 * that already said READY completes its hand-over, since it is the service from then on.
 */
public final class UpgradeCoordinator implements HandoffAcceptor {

    private static final Logger log = LoggerFactory.getLogger(UpgradeCoordinator.class);
    /** How long a failed or aborted successor has between SIGTERM and SIGKILL. */
    public static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private final UpgradeHost host;
    private final UpgradeMetrics metrics;
    /** Runs timeouts and decisions; never a Netty event loop, since handing over blocks on socket closes. */
    private final ScheduledExecutorService scheduler;
    private final Duration readinessTimeout;
    private final int maxDrainingGenerations;
    private final Optional<Path> defaultLauncher;
    private final List<String> runArguments;
    private final Path handoffSocket;
    private final long generation;
    private final int successorNice;

    private Attempt attempt;
    /** Set once the instance is stopping: no attempt starts any more. Guarded by this. */
    private String stopping;
    /** The end of the last attempt that failed or was aborted (its successor gone); a stop waits for it. Guarded by this. */
    private CompletableFuture<Void> lastEnded = CompletableFuture.completedFuture(null);

    public UpgradeCoordinator(UpgradeHost host, UpgradeMetrics metrics, ScheduledExecutorService scheduler,
            Duration readinessTimeout, int maxDrainingGenerations, Optional<Path> defaultLauncher, List<String> runArguments,
            Path handoffSocket, long generation, int successorNice) {
        this.host = host;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.readinessTimeout = readinessTimeout;
        this.maxDrainingGenerations = maxDrainingGenerations;
        this.defaultLauncher = defaultLauncher;
        this.runArguments = List.copyOf(runArguments);
        this.handoffSocket = handoffSocket;
        this.generation = generation;
        this.successorNice = successorNice;
    }

    /** Starts a successor and completes when it serves, or exceptionally with the reason it does not. */
    public CompletableFuture<UpgradeResult> upgrade(UpgradeRequest request) {
        Attempt a;
        synchronized (this) {
            SuccessorCommand command;
            try {
                command = SuccessorCommand.build(request, defaultLauncher, runArguments, handoffSocket, readinessTimeout,
                        BackgroundStart.plan(successorNice, readinessTimeout, Niceness.ofThisProcess()));
                begin();
            } catch (UpgradeFailedException e) {
                metrics.refused();
                log.warn("upgrade refused: {}", e.getMessage());
                return CompletableFuture.failedFuture(e);
            }
            a = new Attempt(System.nanoTime());
            attempt = a;
            log.info("upgrade: starting successor {}", String.join(" ", command.command()));
            try {
                a.process = SuccessorProcess.spawn(command.command(), command.environment());
            } catch (IOException e) {
                attempt = null;
                host.handoverFailed("could not start the successor: " + e.getMessage());
                metrics.failed();
                return CompletableFuture.failedFuture(
                        new UpgradeFailedException("could not start the successor: " + e.getMessage(), e));
            }
            a.peerPid = a.process.pid();
            a.timeout = scheduler.schedule(() -> fail(a, "successor (pid " + a.peerPid + ") not ready within "
                    + readinessTimeout.toMillis() + " ms; killed it"), readinessTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        log.info("upgrade: successor pid {} started, waiting for READY (at most {} ms)", a.peerPid,
                readinessTimeout.toMillis());
        a.process.onExit().thenAccept(p -> fail(a,
                "successor (pid " + p.pid() + ") exited with status " + p.exitValue() + " before it was ready"));
        return a.result;
    }

    @Override
    public HandoffOffer offer(PeerInfo peer) throws HandoffRefusedException {
        synchronized (this) {
            if (attempt == null) {
                try {
                    begin();
                } catch (UpgradeFailedException e) {
                    metrics.refused();
                    throw new HandoffRefusedException(e.getMessage());
                }
                Attempt a = new Attempt(System.nanoTime());
                a.peerPid = peer.pid();
                a.timeout = scheduler.schedule(() -> fail(a, "takeover by pid " + peer.pid() + " not ready within "
                        + readinessTimeout.toMillis() + " ms"), readinessTimeout.toMillis(), TimeUnit.MILLISECONDS);
                attempt = a;
                log.info("upgrade: takeover requested by pid {}", peer.pid());
            } else if (attempt.decided || attempt.session != null || attempt.peerPid != peer.pid()) {
                throw new HandoffRefusedException("an upgrade is already in flight (successor pid " + attempt.peerPid
                        + "); refused pid " + peer.pid());
            }
            HandoffOffer offer;
            try {
                offer = host.offer();
            } catch (UpgradeFailedException e) {
                Attempt a = attempt;
                scheduler.execute(() -> fail(a, e.getMessage()));
                throw new HandoffRefusedException(e.getMessage());
            }
            attempt.fdsOffered = offer.listeners().size();
            return offer;
        }
    }

    @Override
    public void started(HandoffSession session) {
        Attempt a;
        synchronized (this) {
            a = attempt;
            if (a == null || a.peerPid != session.peer().pid()) {
                session.abort("no upgrade in flight for pid " + session.peer().pid());
                return;
            }
            a.session = session;
        }
        // Off the handoff event loop: handing over closes sockets and waits for that.
        session.outcome().whenCompleteAsync((ready, error) -> {
            if (error != null) {
                fail(a, "successor (pid " + a.peerPid + ") failed: " + reason(error));
            } else {
                succeed(a, ready);
            }
        }, scheduler);
    }

    /**
     * The instance is stopping: refuses every later attempt and ends the one in flight. An attempt
     * not yet decided fails with "upgrade aborted: {@code reason}" (the waiting requester reads
     * that), its successor is told (ABORT on the handoff connection) and terminated: SIGTERM,
     * SIGKILL after {@link #KILL_GRACE}. An attempt whose successor already said READY is left to
     * finish its hand-over. The host's state is the caller's business here (it is stopping).
     *
     * @return completes when nothing of an attempt is left: at once when none was in flight, when
     *     the aborted successor has exited, or when a decided hand-over has finished
     */
    public CompletableFuture<Void> abortForStop(String reason) {
        Attempt a;
        synchronized (this) {
            if (stopping == null) {
                stopping = reason;
            }
            a = attempt;
            if (a == null) {
                return lastEnded;
            }
            if (a.decided) {
                return a.settled;
            }
            a.decided = true;
            attempt = null;
            lastEnded = a.settled;
            if (a.timeout != null) {
                a.timeout.cancel(false);
            }
        }
        String message = "upgrade aborted: " + reason;
        log.warn("{}; terminating successor pid {}", message, a.peerPid);
        metrics.failed();
        if (a.session != null) {
            a.session.abort(message);
        }
        CompletableFuture<Void> gone = killSuccessor(a);
        a.result.completeExceptionally(new UpgradeFailedException(message));
        gone.whenComplete((ok, error) -> a.settled.complete(null));
        return a.settled;
    }

    /** Checks that an attempt may start and, if so, moves the host to upgrading; call with the lock held. */
    private void begin() throws UpgradeFailedException {
        if (stopping != null) {
            throw new UpgradeFailedException("this instance is stopping (" + stopping + ")");
        }
        if (attempt != null) {
            throw new UpgradeFailedException("an upgrade is already in flight (successor pid " + attempt.peerPid + ")");
        }
        int draining = host.drainingGenerations();
        if (draining >= maxDrainingGenerations) {
            throw new UpgradeFailedException(draining + " older generation(s) still draining (upgrade.max-draining-generations is "
                    + maxDrainingGenerations + "); try again when they have exited");
        }
        if (!host.beginHandover()) {
            throw new UpgradeFailedException("this instance is not serving (starting, stopping or already handed over)");
        }
    }

    private void succeed(Attempt a, ReadyReport ready) {
        synchronized (this) {
            if (attempt != a || a.decided) {
                return;
            }
            a.decided = true;
            a.timeout.cancel(false);
        }
        try {
            Duration took = Duration.ofNanos(System.nanoTime() - a.startedNanos);
            host.stopAccepting();
            a.session.acknowledgeReady();
            metrics.succeeded(took, a.fdsOffered);
            UpgradeResult result = new UpgradeResult(ProcessHandle.current().pid(), ready.pid(), generation + 1, took,
                    ready.successorStartup());
            log.info("upgrade: {}; draining", result.summary());
            a.result.complete(result);
            host.drainAndExit("handed over to pid " + ready.pid());
        } finally {
            a.settled.complete(null);
        }
    }

    private void fail(Attempt a, String reason) {
        synchronized (this) {
            if (attempt != a || a.decided) {
                return;
            }
            a.decided = true;
            attempt = null;
            lastEnded = a.settled;
            if (a.timeout != null) {
                a.timeout.cancel(false);
            }
        }
        log.warn("upgrade failed, serving on: {}", reason);
        host.handoverFailed(reason);
        metrics.failed();
        if (a.session != null) {
            a.session.abort(reason);
        }
        killSuccessor(a).whenComplete((ok, error) -> a.settled.complete(null));
        a.result.completeExceptionally(new UpgradeFailedException(reason));
    }

    /**
     * A successor that failed must not linger holding copies of our listening sockets: SIGTERM,
     * then SIGKILL after {@link #KILL_GRACE}. A takeover process is ours to end only once it holds
     * our fds. Completes when the process is gone (at once when there is none).
     */
    private CompletableFuture<Void> killSuccessor(Attempt a) {
        Optional<ProcessHandle> successor = a.process != null
                ? Optional.of(a.process.toHandle())
                : (a.fdsOffered > 0 ? ProcessHandle.of(a.peerPid) : Optional.empty());
        Optional<ProcessHandle> alive = successor.filter(ProcessHandle::isAlive);
        if (alive.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        ProcessHandle p = alive.get();
        CompletableFuture<Void> gone = p.onExit().thenApply(exited -> null);
        p.destroy();
        scheduler.schedule(() -> {
            if (p.isAlive()) {
                log.warn("upgrade: successor pid {} ignored SIGTERM for {} ms; killing it", p.pid(), KILL_GRACE.toMillis());
                p.destroyForcibly();
            }
        }, KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        return gone;
    }

    private static String reason(Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    /** One upgrade attempt; its fields are guarded by the coordinator's lock. */
    private static final class Attempt {
        final long startedNanos;
        final CompletableFuture<UpgradeResult> result = new CompletableFuture<>();
        /** Completes once the attempt is over for good: hand-over done, or the failed successor gone. */
        final CompletableFuture<Void> settled = new CompletableFuture<>();
        Process process;
        long peerPid;
        int fdsOffered;
        boolean decided;
        HandoffSession session;
        ScheduledFuture<?> timeout;

        Attempt(long startedNanos) {
            this.startedNanos = startedNanos;
        }
    }
}
