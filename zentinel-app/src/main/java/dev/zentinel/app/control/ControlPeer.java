package dev.zentinel.app.control;

/**
 * The process at the other end of a control connection, as the kernel reports it (SO_PEERCRED /
 * LOCAL_PEERCRED): commands that must know who asks (e.g. a draining generation reporting its
 * own figures) compare the claimed identity with this one.
 */
public record ControlPeer(long pid, long uid) {
}
