package dev.zentinel.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NicenessTest {

    private static final String STAT = "4242 (java (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 50 7 0 0 20 %d 12 0 99";

    @TempDir
    Path proc;

    @Test
    void readsTheNiceFieldEvenWhenTheCommandNameHasSpacesAndParentheses() {
        assertThat(Niceness.parseStatNice(STAT.formatted(7))).hasValue(7);
        assertThat(Niceness.parseStatNice(STAT.formatted(-5))).hasValue(-5);
        assertThat(Niceness.parseStatNice("garbage")).isEmpty();
        assertThat(Niceness.parseStatNice("1 (x) S 1 2")).isEmpty();
    }

    @Test
    void rootAndCapSysNiceMayAlwaysLower() throws Exception {
        write("status", "Name:\tjava\nUid:\t0\t0\t0\t0\nCapEff:\t0000000000000000\n");
        write("limits", limits("0"));
        assertThat(new Niceness(proc).mayLowerTo(-10)).isTrue();

        write("status", "Uid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000800000\n");
        assertThat(new Niceness(proc).mayLowerTo(0)).as("bit 23 is CAP_SYS_NICE").isTrue();
    }

    @Test
    void anUnprivilegedProcessMayLowerOnlyAsFarAsRlimitNiceAllows() throws Exception {
        write("status", "Uid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000000400\n");
        write("limits", limits("0"));
        assertThat(new Niceness(proc).mayLowerTo(0)).as("the default RLIMIT_NICE of 0 allows no lowering").isFalse();

        write("limits", limits("20"));
        assertThat(new Niceness(proc).mayLowerTo(0)).isTrue();
        assertThat(new Niceness(proc).mayLowerTo(-1)).isFalse();

        write("limits", limits("unlimited"));
        assertThat(new Niceness(proc).mayLowerTo(-20)).isTrue();
    }

    @Test
    void withoutProcNothingIsKnownAndNothingIsAllowed() {
        Niceness none = new Niceness(proc.resolve("missing"));
        assertThat(none.current()).isEmpty();
        assertThat(none.mayLowerTo(19)).isFalse();
        assertThat(none.threadIds()).isEmpty();
    }

    @Test
    void readsThisProcessAndItsThreads() {
        Niceness self = Niceness.ofThisProcess();
        assertThat(self.current()).isPresent();
        long[] threads = self.threadIds();
        assertThat(threads).isNotEmpty();
        assertThat(self.ofThread(threads[0])).isPresent();
    }

    private void write(String name, String content) throws Exception {
        Files.writeString(proc.resolve(name), content);
    }

    private static String limits(String niceSoft) {
        return "Limit                     Soft Limit           Hard Limit           Units\n"
                + "Max open files            1024                 4096                 files\n"
                + "Max nice priority         " + niceSoft + "                    " + niceSoft + "\n";
    }
}
