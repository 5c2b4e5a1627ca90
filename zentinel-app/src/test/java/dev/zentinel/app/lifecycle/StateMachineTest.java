package dev.zentinel.app.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StateMachineTest {

    @Test
    void followsTheLifeOfAnInstance() {
        StateMachine machine = new StateMachine();

        assertThat(machine.current()).isEqualTo(InstanceState.STARTING);
        assertThat(machine.transition(InstanceState.STARTING, InstanceState.SERVING)).isTrue();
        assertThat(machine.transition(InstanceState.SERVING, InstanceState.UPGRADING)).isTrue();
        assertThat(machine.transition(InstanceState.UPGRADING, InstanceState.SERVING)).isTrue();
        assertThat(machine.transition(InstanceState.SERVING, InstanceState.DRAINING)).isTrue();
        assertThat(machine.transition(InstanceState.DRAINING, InstanceState.STOPPED)).isTrue();
        assertThat(machine.current().label()).isEqualTo("stopped");
    }

    @Test
    void aTransitionFromAStateNoLongerCurrentChangesNothing() {
        StateMachine machine = new StateMachine();
        machine.transition(InstanceState.STARTING, InstanceState.SERVING);
        machine.transition(InstanceState.SERVING, InstanceState.DRAINING);

        assertThat(machine.transition(InstanceState.SERVING, InstanceState.UPGRADING)).isFalse();
        assertThat(machine.current()).isEqualTo(InstanceState.DRAINING);
    }

    @Test
    void drainingBeginsFromServingOrUpgradingOnly() {
        StateMachine starting = new StateMachine();
        assertThat(starting.beginDraining()).isFalse();
        assertThat(starting.current()).isEqualTo(InstanceState.STARTING);

        StateMachine serving = new StateMachine();
        serving.transition(InstanceState.STARTING, InstanceState.SERVING);
        assertThat(serving.beginDraining()).isTrue();
        assertThat(serving.current()).isEqualTo(InstanceState.DRAINING);
        assertThat(serving.beginDraining()).as("already draining").isFalse();

        StateMachine upgrading = new StateMachine();
        upgrading.transition(InstanceState.STARTING, InstanceState.SERVING);
        upgrading.transition(InstanceState.SERVING, InstanceState.UPGRADING);
        assertThat(upgrading.beginDraining()).isTrue();
        assertThat(upgrading.current()).isEqualTo(InstanceState.DRAINING);
    }

    @Test
    void illegalTransitionsAreBugs() {
        StateMachine machine = new StateMachine();

        assertThatThrownBy(() -> machine.transition(InstanceState.STARTING, InstanceState.DRAINING))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> machine.transition(InstanceState.STOPPED, InstanceState.SERVING))
                .isInstanceOf(IllegalStateException.class);
    }
}
