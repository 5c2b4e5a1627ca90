package dev.zentinel.app.upgrade;

/** An upgrade did not happen; the message says why for the operator. The old process serves on. */
public final class UpgradeFailedException extends Exception {

    public UpgradeFailedException(String message) {
        super(message);
    }

    public UpgradeFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
