package dev.zentinel.proxy.wire;

import java.util.Arrays;

/**
 * The field lines of a parsed head as positions in the bytes they were parsed from (name start
 * and end, value start and end, without surrounding whitespace), each with a kind: the byte the
 * parser gave its name. The bytes themselves, and what the kinds mean, belong to the subclass.
 * Grows by doubling; the number of fields is bounded by the head's size limit.
 */
public class FieldPositions {

    private static final int SLOTS = 4; // name start, name end, value start, value end

    private int[] positions;
    private byte[] kinds;
    private int count;

    protected FieldPositions(int initialFields) {
        positions = new int[initialFields * SLOTS];
        kinds = new byte[initialFields];
    }

    /** Forgets every field (the arrays are kept for the next head). */
    protected final void clear() {
        count = 0;
    }

    public final void add(int nameStart, int nameEnd, int valueStart, int valueEnd, byte kind) {
        if (count == kinds.length) {
            positions = Arrays.copyOf(positions, positions.length * 2);
            kinds = Arrays.copyOf(kinds, kinds.length * 2);
        }
        int p = count * SLOTS;
        positions[p] = nameStart;
        positions[p + 1] = nameEnd;
        positions[p + 2] = valueStart;
        positions[p + 3] = valueEnd;
        kinds[count++] = kind;
    }

    public final int count() {
        return count;
    }

    public final byte kind(int field) {
        return kinds[field];
    }

    public final int nameStart(int field) {
        return positions[field * SLOTS];
    }

    public final int nameEnd(int field) {
        return positions[field * SLOTS + 1];
    }

    public final int valueStart(int field) {
        return positions[field * SLOTS + 2];
    }

    public final int valueEnd(int field) {
        return positions[field * SLOTS + 3];
    }

    /** The first field of a kind, or -1. */
    public final int first(byte kind) {
        for (int i = 0; i < count; i++) {
            if (kinds[i] == kind) {
                return i;
            }
        }
        return -1;
    }
}
