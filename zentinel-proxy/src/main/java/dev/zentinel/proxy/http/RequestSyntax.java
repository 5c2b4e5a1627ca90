package dev.zentinel.proxy.http;

/**
 * Byte classes of the request grammar (RFC 9110 5.6.2, 5.5; RFC 9112 3), on bytes of a request
 * head copied into an array. Table look-ups rather than branch chains: the parser asks once per byte.
 */
final class RequestSyntax {

    private static final boolean[] TOKEN = new boolean[256];
    private static final boolean[] FIELD_VALUE = new boolean[256];
    private static final boolean[] TARGET = new boolean[256];

    static {
        for (int b = 'a'; b <= 'z'; b++) {
            TOKEN[b] = true;
            TOKEN[b - 'a' + 'A'] = true;
        }
        for (int b = '0'; b <= '9'; b++) {
            TOKEN[b] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
        for (int b = 0; b < 256; b++) {
            // field-vchar, SP and HTAB; obs-text (0x80-0xFF) passes as it always did.
            FIELD_VALUE[b] = b == '\t' || (b >= 0x20 && b != 0x7F);
            // Anything visible: the validator decides which target forms are served.
            TARGET[b] = b > 0x20 && b != 0x7F;
        }
    }

    private RequestSyntax() {
    }

    static boolean isToken(byte b) {
        return TOKEN[b & 0xFF];
    }

    static boolean isFieldValue(byte b) {
        return FIELD_VALUE[b & 0xFF];
    }

    static boolean isTarget(byte b) {
        return TARGET[b & 0xFF];
    }

    static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Compares {@code bytes[start, end)} with a lower-case ASCII constant, ignoring case. */
    static boolean equalsIgnoreCase(byte[] bytes, int start, int end, String lower) {
        if (end - start != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            int b = bytes[start + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Compares {@code bytes[start, end)} with any string, ignoring ASCII case. */
    static boolean equalsIgnoreCase(byte[] bytes, int start, int end, CharSequence other) {
        if (end - start != other.length()) {
            return false;
        }
        for (int i = 0; i < other.length(); i++) {
            int a = bytes[start + i] & 0xFF;
            int b = other.charAt(i);
            if (a != b && toLower(a) != toLower(b)) {
                return false;
            }
        }
        return true;
    }

    private static int toLower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
}
