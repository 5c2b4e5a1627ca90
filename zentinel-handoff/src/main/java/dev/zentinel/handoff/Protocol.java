package dev.zentinel.handoff;

import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;

/** Constants of the handoff wire protocol; see docs/handoff.md for the specification. */
final class Protocol {

    /** "ZNHO": first four bytes of every frame. */
    static final int MAGIC = 0x5A4E484F;
    /** magic(4) version(2) type(1) flags(1) length(4). */
    static final int HEADER_BYTES = 12;
    /**
     * HELLO and REFUSED always travel in this version so that any two releases can negotiate;
     * their payloads only ever gain optional fields.
     */
    static final int BOOTSTRAP_VERSION = 1;
    /** Protocol versions this build speaks, oldest first. */
    static final List<Integer> SUPPORTED_VERSIONS = List.of(1);
    /** Upper bound on the version lists a HELLO may carry. */
    static final int MAX_VERSION_LIST = 64;
    /** Reasons (REFUSED, FAILED, ABORT) are cut to this many characters. */
    static final int MAX_REASON_CHARS = 1000;
    /** Software version strings (HELLO, READY) longer than this are a protocol error. */
    static final int MAX_VERSION_CHARS = 255;

    private Protocol() {
    }

    static OptionalInt newestCommon(Collection<Integer> ours, Collection<Integer> theirs) {
        return theirs.stream().filter(v -> v != null && ours.contains(v)).mapToInt(Integer::intValue).max();
    }

    static String checkedVersion(String version, MessageType in) throws HandoffProtocolException {
        if (version == null || version.isEmpty() || version.length() > MAX_VERSION_CHARS) {
            throw new HandoffProtocolException(in + " must carry a software version of 1.." + MAX_VERSION_CHARS + " characters");
        }
        return version;
    }

    static String boundedReason(String reason) {
        String r = reason == null || reason.isBlank() ? "(no reason given)" : reason;
        return r.length() <= MAX_REASON_CHARS ? r : r.substring(0, MAX_REASON_CHARS) + "...";
    }
}
