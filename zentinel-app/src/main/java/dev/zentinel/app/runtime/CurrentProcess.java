package dev.zentinel.app.runtime;

import com.sun.security.auth.module.UnixSystem;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;

/**
 * Identity of this process as the kernel sees it: pid and real uid. The uid decides who may own
 * the runtime directory and who may talk to the control socket.
 */
public record CurrentProcess(long pid, long uid) {

    public static CurrentProcess get() {
        return new CurrentProcess(ProcessHandle.current().pid(), new UnixSystem().getUid());
    }

    /** How long ago this process was started (forked), or at least its JVM. */
    public static Duration age() {
        Instant started = ProcessHandle.current().info().startInstant()
                .orElseGet(() -> Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()));
        Duration age = Duration.between(started, Instant.now());
        return age.isNegative() ? Duration.ZERO : age;
    }
}
