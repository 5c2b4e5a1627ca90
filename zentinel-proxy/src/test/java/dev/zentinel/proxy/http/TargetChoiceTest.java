package dev.zentinel.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zentinel.proxy.balance.LoadBalancer;
import dev.zentinel.proxy.balance.Target;
import dev.zentinel.proxy.config.HostPort;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetChoiceTest {

    private final Target a = new Target(new HostPort("127.0.0.1", 9001));
    private final Target b = new Target(new HostPort("127.0.0.1", 9002));
    private final Target c = new Target(new HostPort("127.0.0.1", 9003));

    /** A balancer that always proposes the same target: the choice alone must move on. */
    private LoadBalancer always(Target proposed) {
        List<Target> all = List.of(a, b, c);
        return new LoadBalancer() {
            @Override
            public Target pick() {
                return proposed;
            }

            @Override
            public List<Target> targets() {
                return all;
            }
        };
    }

    @Test
    void takesTheBalancersChoiceWhileNothingFailed() {
        TargetChoice choice = new TargetChoice();
        assertThat(choice.pick(always(b))).isSameAs(b);
    }

    @Test
    void passesOverTargetsThatFailedForThisRequest() {
        TargetChoice choice = new TargetChoice();
        choice.failed(a);
        assertThat(choice.pick(always(a))).isSameAs(b);
        choice.failed(b);
        assertThat(choice.pick(always(a))).isSameAs(c);
        assertThat(choice.pick(always(b))).isSameAs(c);
    }

    @Test
    void whenEveryTargetFailedTheBalancersChoiceStands() {
        TargetChoice choice = new TargetChoice();
        LoadBalancer twoTargets = new LoadBalancer() {
            @Override
            public Target pick() {
                return a;
            }

            @Override
            public List<Target> targets() {
                return List.of(a, b);
            }
        };
        choice.failed(a);
        choice.failed(b);
        assertThat(choice.pick(twoTargets)).isSameAs(a);
    }

    @Test
    void resetForgetsFailuresAndAttempts() {
        TargetChoice choice = new TargetChoice();
        choice.attempt();
        choice.attempt();
        choice.failed(a);
        assertThat(choice.attempts()).isEqualTo(2);

        choice.reset();
        assertThat(choice.attempts()).isZero();
        assertThat(choice.pick(always(a))).isSameAs(a);
    }
}
