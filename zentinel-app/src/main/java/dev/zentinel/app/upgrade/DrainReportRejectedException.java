package dev.zentinel.app.upgrade;

/** A drain report that is malformed or does not come from a generation draining after handing over to us. */
public final class DrainReportRejectedException extends Exception {

    public DrainReportRejectedException(String message) {
        super(message);
    }
}
