package dev.zentinel.proxy.upstream;

/** How a pre-connect of upstream pools went: connections opened and parked, attempts that failed. */
public record Preconnected(int opened, int failed) {

    static final Preconnected NONE = new Preconnected(0, 0);

    Preconnected plus(Preconnected other) {
        return new Preconnected(opened + other.opened, failed + other.failed);
    }
}
