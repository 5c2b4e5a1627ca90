package dev.zentinel.app.runtime;

import com.sun.security.auth.module.UnixSystem;

/**
 * Identity of this process as the kernel sees it: pid and real uid. The uid decides who may own
 * the runtime directory and who may talk to the control socket.
 */
public record CurrentProcess(long pid, long uid) {

    public static CurrentProcess get() {
        return new CurrentProcess(ProcessHandle.current().pid(), new UnixSystem().getUid());
    }
}
