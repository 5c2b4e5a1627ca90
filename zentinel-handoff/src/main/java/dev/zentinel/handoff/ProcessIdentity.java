package dev.zentinel.handoff;

import com.sun.security.auth.module.UnixSystem;

/** This process's pid and real uid, for peer credential checks. */
final class ProcessIdentity {

    private ProcessIdentity() {
    }

    static int pid() {
        return (int) ProcessHandle.current().pid();
    }

    static int uid() {
        return (int) new UnixSystem().getUid();
    }
}
