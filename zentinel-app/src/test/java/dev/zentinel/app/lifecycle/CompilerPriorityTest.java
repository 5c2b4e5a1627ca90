package dev.zentinel.app.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.zentinel.app.runtime.Niceness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** On this test JVM's own JIT compiler threads, read back from /proc. */
class CompilerPriorityTest {

    private final Niceness niceness = Niceness.ofThisProcess();
    private final ThreadNiceness threads = ThreadNiceness.ofThisProcess();
    private int normal;

    @BeforeEach
    void needsProcAndTheWayBack() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux's /proc");
        normal = niceness.current().orElseThrow();
        assumeTrue(normal <= 14 && niceness.mayLowerTo(normal), "needs the right to return to niceness " + normal);
        assumeTrue(!compilerNiceness().isEmpty(), "needs a JVM with JIT compiler threads");
    }

    @AfterEach
    void compilersBack() {
        threads.restore(normal, ThreadNiceness::isCompiler);
    }

    @Test
    void compilersKeepTheirPriorityUntilAHandoverBeginsAndReturnWhenItFails() {
        CompilerPriority compilers = new CompilerPriority(threads, 4);
        assertThat(compilerNiceness()).as("serving: a normal JVM").containsOnly(normal);

        compilers.behindHandover();
        assertThat(compilerNiceness()).as("hand-over in flight").containsOnly(normal + 4);

        compilers.handoverFailed();
        assertThat(compilerNiceness()).as("serving on after the failure").containsOnly(normal);

        compilers.behindHandover();
        assertThat(compilerNiceness()).as("the next attempt").containsOnly(normal + 4);
    }

    @Test
    void compilersNicedBeforeAreLeftAsTheyAre() {
        // As in a successor, whose compilers stay niced from its background start.
        assertThat(threads.lowerTo(normal + 4, ThreadNiceness::isCompiler)).isEmpty();
        CompilerPriority compilers = new CompilerPriority(threads, 4);

        compilers.behindHandover();
        compilers.handoverFailed();

        assertThat(compilerNiceness()).as("not returned: not ours to return").containsOnly(normal + 4);
    }

    @Test
    void aSuccessorsCompilersReturnOnceItsPredecessorIsGone() {
        // Niced by the background start, as a spawned successor's are.
        assertThat(threads.lowerTo(normal + 4, ThreadNiceness::isCompiler)).isEmpty();
        CompilerPriority compilers = new CompilerPriority(threads, 4, OptionalInt.of(normal));
        assertThat(compilerNiceness()).as("serving beside a draining predecessor").containsOnly(normal + 4);

        compilers.predecessorGone();
        assertThat(compilerNiceness()).as("serving alone").containsOnly(normal);

        compilers.behindHandover();
        assertThat(compilerNiceness()).as("its own hand-over").containsOnly(normal + 4);
    }

    @Test
    void aHandoverInFlightKeepsThemNicedPastThePredecessorsExit() {
        assertThat(threads.lowerTo(normal + 4, ThreadNiceness::isCompiler)).isEmpty();
        CompilerPriority compilers = new CompilerPriority(threads, 4, OptionalInt.of(normal));

        compilers.behindHandover();
        compilers.predecessorGone();
        assertThat(compilerNiceness()).as("hand-over still in flight").containsOnly(normal + 4);

        compilers.handoverFailed();
        assertThat(compilerNiceness()).as("serving alone after the failure").containsOnly(normal);
    }

    @Test
    void aFailedHandoverWhileThePredecessorDrainsKeepsThemNiced() {
        assertThat(threads.lowerTo(normal + 4, ThreadNiceness::isCompiler)).isEmpty();
        CompilerPriority compilers = new CompilerPriority(threads, 4, OptionalInt.of(normal));

        compilers.behindHandover();
        compilers.handoverFailed();
        assertThat(compilerNiceness()).as("the predecessor still drains").containsOnly(normal + 4);

        compilers.predecessorGone();
        assertThat(compilerNiceness()).containsOnly(normal);
    }

    @Test
    void offsetZeroLeavesThemAlone() {
        CompilerPriority compilers = new CompilerPriority(threads, 0);
        compilers.behindHandover();
        assertThat(compilerNiceness()).containsOnly(normal);
    }

    @Test
    void rejectsAnOffsetNoNicenessHas() {
        assertThatThrownBy(() -> new CompilerPriority(threads, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0..19");
        assertThatThrownBy(() -> new CompilerPriority(threads, 20)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tellsWhetherEverySelectedThreadIsAtLeastThatNice() {
        assertThat(threads.allAtLeast(normal, ThreadNiceness::isCompiler)).isTrue();
        assertThat(threads.allAtLeast(normal + 1, ThreadNiceness::isCompiler)).isFalse();
        assertThat(threads.allAtLeast(normal + 1, name -> false)).as("no such thread").isTrue();
    }

    /** The niceness of each of this JVM's compiler threads alive now. */
    private List<Integer> compilerNiceness() {
        return LongStream.of(niceness.threadIds())
                .filter(tid -> ThreadNiceness.isCompiler(niceness.threadName(tid).orElse("")))
                .mapToObj(niceness::ofThread).filter(n -> n.isPresent()).map(n -> n.getAsInt()).toList();
    }
}
