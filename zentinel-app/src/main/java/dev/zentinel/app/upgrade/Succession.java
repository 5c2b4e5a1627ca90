package dev.zentinel.app.upgrade;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zentinel.app.ZentinelVersion;
import dev.zentinel.handoff.HandoffClient;
import dev.zentinel.handoff.HandoffException;
import dev.zentinel.handoff.HandoffLimits;
import dev.zentinel.handoff.IncomingHandoff;
import dev.zentinel.handoff.PredecessorGoneException;
import dev.zentinel.proxy.config.ListenerConfig;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The new side of an upgrade, from connecting to the predecessor's handoff socket to its
 * acknowledgement of our READY. Owns the small event loop the handoff connection runs on and
 * shuts it down once the conversation is over.
 */
public final class Succession implements Predecessor {

    private static final Logger log = LoggerFactory.getLogger(Succession.class);
    private static final Duration LOOP_SHUTDOWN = Duration.ofSeconds(5);

    private final IncomingHandoff handoff;
    private final EventLoopGroup group;
    private final ObjectMapper mapper = new ObjectMapper();

    private Succession(IncomingHandoff handoff, EventLoopGroup group) {
        this.handoff = handoff;
        this.group = group;
    }

    /** Connects and receives the listener table, the fds and the state snapshot. */
    public static Succession connect(Path socket, Supplier<EventLoopGroup> groupFactory, HandoffLimits limits)
            throws UpgradeFailedException {
        EventLoopGroup group = groupFactory.get();
        CompletableFuture<IncomingHandoff> connecting =
                HandoffClient.connect(socket, group, limits, ZentinelVersion.get());
        try {
            IncomingHandoff handoff = connecting.get(limits.ioTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
            log.info("handoff: received {} listener(s) and state of generation {} from pid {}",
                    handoff.listeners().size(), handoff.generation(), handoff.predecessor().pid());
            return new Succession(handoff, group);
        } catch (ExecutionException e) {
            shutdown(group);
            throw new UpgradeFailedException("handoff from " + socket + " failed: " + message(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            shutdown(group);
            throw new UpgradeFailedException("handoff from " + socket + " did not complete in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown(group);
            throw new UpgradeFailedException("interrupted during handoff", e);
        }
    }

    /** Adopts the inherited sockets this configuration asks for; closes the others. */
    public InheritedListeners adopt(List<ListenerConfig> configured) throws HandoffException {
        return InheritedListeners.adopt(handoff.listeners(), configured);
    }

    public Map<String, Double> counters() {
        return handoff.snapshot().counters();
    }

    @Override
    public long pid() {
        return handoff.predecessor().pid();
    }

    @Override
    public long generation() {
        return handoff.generation();
    }

    @Override
    public List<Draining> draining() {
        List<Draining> all = new ArrayList<>();
        all.add(new Draining(pid(), generation(), Instant.now()));
        all.addAll(DrainingSection.decode(mapper, handoff.snapshot().sections().get(DrainingSection.NAME)));
        return all;
    }

    @Override
    public List<DrainReport> drainReports() {
        return DrainReportsSection.decode(mapper, handoff.snapshot().sections().get(DrainReportsSection.NAME));
    }

    @Override
    public CompletableFuture<Void> ready(Duration startup) {
        return handoff.ready(ZentinelVersion.get(), startup)
                .<Void>handle((ok, error) -> {
                    Throwable cause = unwrap(error);
                    if (cause instanceof PredecessorGoneException) {
                        log.warn("predecessor pid {} went away after handing over ({}); serving alone", pid(),
                                cause.getMessage());
                        return null;
                    }
                    if (cause != null) {
                        throw new CompletionException(cause);
                    }
                    return null;
                })
                .whenComplete((ok, error) -> {
                    handoff.close();
                    shutdown(group);
                });
    }

    @Override
    public void fail(String reason) {
        log.error("cannot take over from pid {}: {}", pid(), reason);
        handoff.fail(reason);
        handoff.closed().orTimeout(LOOP_SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ok, error) -> shutdown(group))
                .exceptionally(error -> null)
                .join();
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while (t instanceof CompletionException || t instanceof ExecutionException) {
            if (t.getCause() == null) {
                break;
            }
            t = t.getCause();
        }
        return t;
    }

    private static String message(Throwable t) {
        Throwable cause = unwrap(t);
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    private static void shutdown(EventLoopGroup group) {
        group.shutdownGracefully(0, LOOP_SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
    }
}
