package dev.zentinel.app;

import java.net.BindException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Reduces exceptions to the one line an operator needs. */
public final class Failures {

    private Failures() {
    }

    /** Strips the wrappers that futures and reflection add around the real failure. */
    public static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException
                || current instanceof java.lang.reflect.InvocationTargetException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /**
     * A one-line description: the outermost message (which usually names the thing that failed),
     * completed with "address already in use" when a bind conflict is the root of it.
     */
    public static String describe(Throwable failure) {
        Throwable current = unwrap(failure);
        String text = null;
        for (Throwable t = current; t != null && t.getCause() != t; t = t.getCause()) {
            if (text == null && t.getMessage() != null && !t.getMessage().isBlank()) {
                text = t.getMessage();
            }
            if (isAddressInUse(t)) {
                if (text == null) {
                    return "address already in use";
                }
                return mentionsAddressInUse(text) ? text : text + ": address already in use";
            }
        }
        return text != null ? text : current.getClass().getSimpleName();
    }

    private static boolean isAddressInUse(Throwable t) {
        return t instanceof BindException || (t.getMessage() != null && mentionsAddressInUse(t.getMessage()));
    }

    private static boolean mentionsAddressInUse(String message) {
        return message.toLowerCase(java.util.Locale.ROOT).contains("address already in use");
    }
}
