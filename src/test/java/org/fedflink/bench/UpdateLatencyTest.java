package org.fedflink.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class UpdateLatencyTest {

    @Test
    void eachUpdate_waitsForTheFirstVersionThatFoldsItIn() {
        // one update emitted at each of 10, 20, 30 and 40 ms (polled exactly then)
        UpdateLatency.Curve emitted = new UpdateLatency.Curve(
                new double[] {0, 9, 10, 19, 20, 29, 30, 39, 40}, new long[] {0, 0, 1, 1, 2, 2, 3, 3, 4});
        // a version of two updates at 25 ms, then one of two at 47 ms
        UpdateLatency.Curve folded = new UpdateLatency.Curve(new double[] {25, 47}, new long[] {2, 4});
        double[] latencies = UpdateLatency.latencies(emitted, folded);
        // emissions sit in the middle of their 1 ms poll interval
        assertThat(latencies).containsExactly(new double[] {15.5, 5.5, 17.5, 7.5}, within(1e-9));
    }

    @Test
    void emissionsBetweenTwoPolls_spreadEvenly() {
        UpdateLatency.Curve emitted = new UpdateLatency.Curve(new double[] {0, 4}, new long[] {0, 4});
        UpdateLatency.Curve folded = new UpdateLatency.Curve(new double[] {10}, new long[] {4});
        assertThat(UpdateLatency.latencies(emitted, folded))
                .containsExactly(new double[] {9.5, 8.5, 7.5, 6.5}, within(1e-9));
    }

    @Test
    void onlyUpdatesBothEmittedAndFoldedCount_andNoneIsNegative() {
        UpdateLatency.Curve emitted = new UpdateLatency.Curve(new double[] {0, 10}, new long[] {0, 3});
        // the poll saw the emissions after the version that folds the first one was made
        UpdateLatency.Curve folded = new UpdateLatency.Curve(new double[] {1}, new long[] {1});
        assertThat(UpdateLatency.latencies(emitted, folded)).containsExactly(0.0);
        assertThat(UpdateLatency.latencies(new UpdateLatency.Curve(new double[0], new long[0]), folded)).isEmpty();
    }

    @Test
    void decreasingCurves_areRefused() {
        assertThatThrownBy(() -> new UpdateLatency.Curve(new double[] {0, 1}, new long[] {2, 1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UpdateLatency.Curve(new double[] {1}, new long[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void versionLog_foldsRoundUpdates_andFindsTheVersionHoldingEveryExample() {
        VersionLog log = VersionLog.parse(List.of(
                "version,createdMillis,samplesInModel,sourcesInModel,rounds,roundUpdates,other",
                "1,1000,200,3,1,10,x",
                "2,999,400,3,2,10,x",
                "3,1010,450,3,3,3,x"));
        assertThat(log.versions()).isEqualTo(3);
        UpdateLatency.Curve folded = log.folded();
        assertThat(folded.counts()).containsExactly(10, 20, 23);
        assertThat(folded.times()).as("made non-decreasing").containsExactly(1000, 1000, 1010);
        assertThat(log.millisWhenHolding(450)).isEqualTo(1010);
        assertThat(log.millisWhenHolding(300)).isEqualTo(1000);
        assertThat(log.millisWhenHolding(451)).isNaN();
        assertThat(VersionLog.parse(List.of()).versions()).isZero();
    }
}
