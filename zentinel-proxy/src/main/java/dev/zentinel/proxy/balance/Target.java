package dev.zentinel.proxy.balance;

import dev.zentinel.proxy.config.HostPort;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream address, shared by all event loops. Its name is resolved once, when the target
 * is created (at start-up or reload, off the event loops), so that connecting never blocks on
 * DNS. An unresolvable name yields an unresolved address; connecting to it fails, which the
 * data path reports as an upstream connect error.
 */
public final class Target {

    private final HostPort address;
    private final InetSocketAddress socketAddress;
    private final AtomicInteger active = new AtomicInteger();

    public Target(HostPort address) {
        this.address = Objects.requireNonNull(address, "address");
        this.socketAddress = new InetSocketAddress(address.host(), address.port());
    }

    public HostPort address() {
        return address;
    }

    public InetSocketAddress socketAddress() {
        return socketAddress;
    }

    /** Counts a request sent to this target; pair every call with {@link #release()}. */
    public void acquire() {
        active.incrementAndGet();
    }

    /** Ends a request counted by {@link #acquire()}. */
    public void release() {
        // Never below zero, so an unpaired release cannot make this target look permanently idle.
        active.getAndUpdate(n -> n > 0 ? n - 1 : 0);
    }

    /** Requests in flight to this target. */
    public int active() {
        return active.get();
    }

    @Override
    public String toString() {
        return address.toString();
    }
}
