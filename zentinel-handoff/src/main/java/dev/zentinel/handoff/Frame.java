package dev.zentinel.handoff;

/** One decoded frame: header fields and the raw payload. */
record Frame(int version, MessageType type, byte[] payload) {

    @Override
    public String toString() {
        return type + " v" + version + " (" + payload.length + " bytes)";
    }
}
