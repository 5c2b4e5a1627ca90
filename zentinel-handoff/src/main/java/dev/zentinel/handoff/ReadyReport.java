package dev.zentinel.handoff;

import java.time.Duration;

/** What a successor reported with READY: its pid, software version and how long its start-up took. */
public record ReadyReport(int pid, String version, Duration successorStartup) {
}
