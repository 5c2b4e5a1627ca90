package dev.zentinel.proxy.wire;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * The field names the proxy treats specially, one table for the request and the response parsers:
 * the framing fields, Connection and the fixed hop-by-hop fields (RFC 9110 7.6.1: Keep-Alive,
 * Proxy-Connection, TE, Trailer, Upgrade), and the fields the request side reads or rewrites
 * (Host, Expect, X-Forwarded-*, Via). Every other name is {@link #OTHER}.
 */
public final class FieldNames {

    public static final byte OTHER = 0;
    public static final byte HOST = 1;
    public static final byte CONTENT_LENGTH = 2;
    public static final byte TRANSFER_ENCODING = 3;
    public static final byte CONNECTION = 4;
    /** Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade: never forwarded. */
    public static final byte HOP_BY_HOP = 5;
    public static final byte EXPECT = 6;
    public static final byte X_FORWARDED_FOR = 7;
    public static final byte X_FORWARDED_PROTO = 8;
    public static final byte X_FORWARDED_HOST = 9;
    public static final byte VIA = 10;

    private static final int LONGEST = "transfer-encoding".length();
    /** Lower-case names by length, so that a name is compared only with names as long as it. */
    private static final String[][] NAMES = new String[LONGEST + 1][0];
    private static final byte[][] KINDS = new byte[LONGEST + 1][0];

    static {
        add("host", HOST);
        add("content-length", CONTENT_LENGTH);
        add("transfer-encoding", TRANSFER_ENCODING);
        add("connection", CONNECTION);
        add("keep-alive", HOP_BY_HOP);
        add("proxy-connection", HOP_BY_HOP);
        add("te", HOP_BY_HOP);
        add("trailer", HOP_BY_HOP);
        add("upgrade", HOP_BY_HOP);
        add("expect", EXPECT);
        add("x-forwarded-for", X_FORWARDED_FOR);
        add("x-forwarded-proto", X_FORWARDED_PROTO);
        add("x-forwarded-host", X_FORWARDED_HOST);
        add("via", VIA);
    }

    private FieldNames() {
    }

    private static void add(String name, byte kind) {
        int length = name.length();
        String[] names = Arrays.copyOf(NAMES[length], NAMES[length].length + 1);
        byte[] kinds = Arrays.copyOf(KINDS[length], KINDS[length].length + 1);
        names[names.length - 1] = name;
        kinds[kinds.length - 1] = kind;
        NAMES[length] = names;
        KINDS[length] = kinds;
    }

    /** The kind of the field name {@code bytes[start, end)} (any letter case). */
    public static byte classify(byte[] bytes, int start, int end) {
        int length = end - start;
        if (length > LONGEST) {
            return OTHER;
        }
        String[] names = NAMES[length];
        for (int i = 0; i < names.length; i++) {
            if (HttpSyntax.equalsIgnoreCase(bytes, start, end, names[i])) {
                return KINDS[length][i];
            }
        }
        return OTHER;
    }

    /** The kind of the field name in {@code buf} from {@code start} to {@code end} (any letter case). */
    public static byte classify(ByteBuf buf, int start, int end) {
        int length = end - start;
        if (length > LONGEST) {
            return OTHER;
        }
        String[] names = NAMES[length];
        for (int i = 0; i < names.length; i++) {
            if (HttpSyntax.equalsIgnoreCase(buf, start, end, names[i])) {
                return KINDS[length][i];
            }
        }
        return OTHER;
    }

    /**
     * The kind as a response sees it: Host, Expect, X-Forwarded-* and Via mean something only in a
     * request, so in a response they are plain fields, forwarded as they are.
     */
    public static byte inResponse(byte kind) {
        return kind >= CONTENT_LENGTH && kind <= HOP_BY_HOP ? kind : OTHER;
    }

    /** True for the fields that frame or route a message, which a Connection field must not be able to remove. */
    public static boolean isProtected(byte kind) {
        return kind == HOST || kind == CONTENT_LENGTH || kind == TRANSFER_ENCODING;
    }
}
