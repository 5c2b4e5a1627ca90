package dev.zentinel.app.lifecycle;

import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU priority of this process's JIT compiler threads around a hand-over. A process serves at
 * full compiler priority, as any JVM: after a fresh start the compilations real traffic still
 * triggers (first C2 compilations of methods the warm-up left at tier 3, recompilations) then
 * finish in about a second instead of dragging on for tens of seconds at a tenth of a saturated
 * core. When a hand-over begins, the compilers go to the process's niceness +
 * {@code upgrade.successor-nice}: from then on this process serves every client alone while its
 * successor starts, and compiling the cold hand-over paths at full priority took half of the core
 * for ~300 ms (docs/upgrade.md). If the hand-over fails they return, where allowed.
 *
 * <p>Only a change this object made is undone: a successor's compilers, still niced from its
 * background start, are left as they are.
 */
final class CompilerPriority {

    private static final Logger log = LoggerFactory.getLogger(CompilerPriority.class);

    private final ThreadNiceness threads;
    private final int by;
    /** The niceness the compilers were sent back to when a hand-over fails; empty while they are not niced by us. */
    private OptionalInt nicedFrom = OptionalInt.empty();

    /**
     * @param by how much nicer the compilers run during a hand-over ({@code upgrade.successor-nice});
     *           0 leaves them alone
     */
    CompilerPriority(ThreadNiceness threads, int by) {
        if (by < 0 || by > ThreadNiceness.LOWEST_PRIORITY) {
            throw new IllegalArgumentException("compiler niceness offset must be in 0.."
                    + ThreadNiceness.LOWEST_PRIORITY + ", got " + by);
        }
        this.threads = threads;
        this.by = by;
    }

    /**
     * A hand-over begins: the compilers go behind the event loops, which now serve every client
     * while a successor starts beside them. Raising a niceness needs no privilege.
     */
    synchronized void behindHandover() {
        OptionalInt current = threads.processNiceness();
        if (by == 0 || current.isEmpty() || nicedFrom.isPresent()) {
            return;
        }
        int process = current.getAsInt();
        if (threads.allAtLeast(process + by, ThreadNiceness::isCompiler)) {
            return;
        }
        nicedFrom = OptionalInt.of(process);
        threads.lowerTo(process + by, ThreadNiceness::isCompiler)
                .ifPresent(problem -> log.info("JIT compiler threads stay at their priority: {}", problem));
    }

    /**
     * The hand-over failed and this process serves on: its compilers return to the process's
     * niceness if this object niced them and the process may lower a niceness (root,
     * CAP_SYS_NICE, RLIMIT_NICE); otherwise they stay niced and it says why.
     */
    synchronized void handoverFailed() {
        if (nicedFrom.isEmpty()) {
            return;
        }
        int back = nicedFrom.getAsInt();
        nicedFrom = OptionalInt.empty();
        Optional<String> problem = threads.restore(back, ThreadNiceness::isCompiler);
        problem.ifPresent(p -> log.info("JIT compiler threads stay niced after the failed hand-over: {}", p));
    }
}
