package dev.zentinel.handoff;

/** Identity of the process at the other end of the handoff socket, as the kernel reports it (SO_PEERCRED). */
public record PeerInfo(int pid, int uid, int gid) {
}
