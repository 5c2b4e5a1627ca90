package dev.zentinel.handoff;

/** Frame types; the code is the frame header's type byte and never changes meaning. */
enum MessageType {
    /** new -> old: pid, software version, readable protocol and snapshot versions. */
    HELLO(1),
    /** old -> new: negotiated versions, generation, listener table (N entries). */
    OFFER(2),
    /** old -> new: handoff refused, with a reason; the old side closes. */
    REFUSED(3),
    /** old -> new: the state snapshot, encoded in the negotiated snapshot version (payload is the snapshot itself). */
    SNAPSHOT(4),
    /** new -> old: "my read mode is FILE_DESCRIPTORS, send the N descriptors now". */
    SEND_FDS(5),
    /** new -> old: all N descriptors arrived and the read mode is BYTES again. */
    FDS_RECEIVED(6),
    /** new -> old: start-up finished, serving is possible. */
    READY(7),
    /** old -> new: the old process stopped accepting. */
    READY_ACK(8),
    /** new -> old: the successor gives up; the old keeps serving. */
    FAILED(9),
    /** old -> new: the old side gives up on this successor (e.g. readiness timeout). */
    ABORT(10);

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    static MessageType fromCode(int code) {
        for (MessageType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
