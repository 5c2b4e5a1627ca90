package dev.zentinel.app.lifecycle;

import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU priority of this process's JIT compiler threads around a hand-over. A process serves at
 * full compiler priority, as any JVM: the compilations real traffic still triggers (first C2
 * compilations of methods the warm-up left at tier 3, recompilations) then finish in about a
 * second instead of dragging on for tens of seconds at a tenth of a saturated core, in slower
 * code. Two things hold them back, to the process's niceness + {@code upgrade.successor-nice}:
 * <ul>
 * <li>a hand-over in flight from this process: it serves every client alone while its successor
 * starts, and compiling the cold hand-over paths at full priority took half of the core for
 * ~300 ms (docs/upgrade.md); if the hand-over fails they return;</li>
 * <li>in a successor started in the background, its predecessor: while that one still drains,
 * compilations at full priority right after READY cost the p99 (sixth session), so they return
 * only once the predecessor has exited. Before, they stayed niced for the successor's whole life,
 * and its own next hand-over found C2 still busy with what its traffic had started (seventh
 * session: 2.0 s of C2 during that hand-over against 0.45 s for a fresh start).</li>
 * </ul>
 * Returning them needs the right to lower a niceness (root, CAP_SYS_NICE, RLIMIT_NICE); without it
 * they stay niced and a line says why. Only niceness this object (or the background start) gave is
 * undone.
 */
final class CompilerPriority {

    private static final Logger log = LoggerFactory.getLogger(CompilerPriority.class);

    private final ThreadNiceness threads;
    private final int by;
    /** The niceness the compilers return to once nothing holds them back; empty while they are not niced by us. */
    private OptionalInt nicedFrom;
    private boolean handingOver;
    private boolean predecessorAround;

    /**
     * A process whose compilers run at its own priority (a fresh start).
     *
     * @param by how much nicer the compilers run during a hand-over ({@code upgrade.successor-nice});
     *           0 leaves them alone
     */
    CompilerPriority(ThreadNiceness threads, int by) {
        this(threads, by, OptionalInt.empty());
    }

    /**
     * @param startedNicedFrom present in a successor started in the background: its compilers are
     *                         still niced from that start and return to this niceness once
     *                         {@link #predecessorGone()} (and no hand-over of its own is in flight)
     */
    CompilerPriority(ThreadNiceness threads, int by, OptionalInt startedNicedFrom) {
        if (by < 0 || by > ThreadNiceness.LOWEST_PRIORITY) {
            throw new IllegalArgumentException("compiler niceness offset must be in 0.."
                    + ThreadNiceness.LOWEST_PRIORITY + ", got " + by);
        }
        this.threads = threads;
        this.by = by;
        this.nicedFrom = startedNicedFrom;
        this.predecessorAround = startedNicedFrom.isPresent();
    }

    /**
     * A hand-over begins: the compilers go behind the event loops, which now serve every client
     * while a successor starts beside them. Raising a niceness needs no privilege.
     */
    synchronized void behindHandover() {
        handingOver = true;
        OptionalInt current = threads.processNiceness();
        if (by == 0 || current.isEmpty() || nicedFrom.isPresent()) {
            return;
        }
        int process = current.getAsInt();
        if (threads.allAtLeast(process + by, ThreadNiceness::isCompiler)) {
            return;
        }
        nicedFrom = OptionalInt.of(process);
        lowerTo(process + by);
    }

    /**
     * This successor's compilers were brought to full priority for its warm-up: they go back
     * behind the predecessor's event loops until it has exited. Raising a niceness needs no privilege.
     */
    synchronized void warmedUp() {
        if (!predecessorAround || nicedFrom.isEmpty() || by == 0) {
            return;
        }
        lowerTo(nicedFrom.getAsInt() + by);
    }

    private void lowerTo(int niceness) {
        threads.lowerTo(niceness, ThreadNiceness::isCompiler)
                .ifPresent(problem -> log.info("JIT compiler threads stay at their priority: {}", problem));
    }

    /** The hand-over failed and this process serves on: its compilers return unless its predecessor still drains. */
    synchronized void handoverFailed() {
        handingOver = false;
        returnIfFree("the hand-over failed");
    }

    /** This successor's predecessor has exited: its compilers return unless a hand-over of its own is in flight. */
    synchronized void predecessorGone() {
        predecessorAround = false;
        returnIfFree("the predecessor has exited");
    }

    private void returnIfFree(String why) {
        if (handingOver || predecessorAround || nicedFrom.isEmpty()) {
            return;
        }
        int back = nicedFrom.getAsInt();
        nicedFrom = OptionalInt.empty();
        Optional<String> problem = threads.restore(back, ThreadNiceness::isCompiler);
        if (problem.isPresent()) {
            log.info("JIT compiler threads stay niced ({}): {}", why, problem.get());
        } else {
            log.info("JIT compiler threads back to niceness {} ({})", back, why);
        }
    }
}
