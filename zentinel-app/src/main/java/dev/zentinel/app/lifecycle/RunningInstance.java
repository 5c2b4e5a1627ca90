package dev.zentinel.app.lifecycle;

import dev.zentinel.app.control.ControlServer;
import dev.zentinel.app.runtime.RuntimeLayout;
import dev.zentinel.app.upgrade.UpgradeService;

/** The pieces that exist once an instance serves. */
record RunningInstance(ProxyInstance proxy, ControlServer control, UpgradeService upgrades, RuntimeLayout layout) {
}
