package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.UUID;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.fedflink.federation.AggregationStrategy;
import org.fedflink.federation.DpAccounting;
import org.fedflink.federation.RdpAccountant;
import org.fedflink.federation.StalenessWeight;
import org.fedflink.federation.Strategies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Operator tests of {@link GlobalAggregator} with the strategy catalogue: staleness, skipped
 * rounds, rejected and too-stale updates, server state and the privacy accountant across a restore.
 */
class GlobalAggregatorStrategiesTest {

    private final String loopId = UUID.randomUUID().toString();

    /** A model of two parameters (one weight, one bias). */
    private static final org.fedflink.model.ModelSpec SPEC =
            new org.fedflink.model.ModelSpec(org.fedflink.model.ModelType.LINEAR, 1, 2, 0.0);

    @AfterEach
    void release() {
        FeedbackChannel.release(loopId, 0);
    }

    /** Settings of one shard of {@link #SPEC} closing a round every {@code updatesPerRound} updates. */
    private AggregatorSettings.Builder settings(AggregationStrategy strategy, int updatesPerRound) {
        return AggregatorSettings.builder(strategy, SPEC, loopId).updatesPerRound(updatesPerRound).windowExamples(1000);
    }

    /** The accounting of a DP strategy of noise multiplier {@code z}. */
    private static DpAccounting dp(double z) {
        return new DpAccounting(z, 1e-5);
    }

    private static OneInputStreamOperatorTestHarness<LocalUpdate, GlobalModel> harness(
            AggregatorSettings.Builder settings) throws Exception {
        return harness(settings.build());
    }

    private static OneInputStreamOperatorTestHarness<LocalUpdate, GlobalModel> harness(AggregatorSettings settings)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new GlobalAggregator(settings));
    }

    private static LocalUpdate update(String source, long baseVersion, float... delta) {
        return new LocalUpdate(0, source, baseVersion, 10, 5, 5, delta, false, 0);
    }

    private static GlobalModel last(OneInputStreamOperatorTestHarness<LocalUpdate, GlobalModel> h) {
        List<GlobalModel> out = h.extractOutputValues();
        return out.get(out.size() - 1);
    }

    @Test
    void fedBuff_weighsEachUpdateByItsStaleness() throws Exception {
        try (var h = harness(settings(Strategies.fedBuff(1.0, StalenessWeight.inverseSqrt()), 1))) {
            h.open();
            h.processElement(update("a", 0, 1, 1), 0); // v1: fresh, weight 1
            h.processElement(update("b", 0, 2, 2), 0); // v2: one version stale, weight 1/sqrt(2)
            h.processElement(update("c", 0, 3, 3), 0); // v3: two stale, weight 1/sqrt(3)
            GlobalModel v3 = last(h);
            assertThat(v3.version()).isEqualTo(3);
            double expected = 1 + 2 / Math.sqrt(2) + 3 / Math.sqrt(3);
            assertThat((double) v3.params()[0]).isCloseTo(expected, within(1e-5));
            assertThat(v3.roundStaleness()).isEqualTo(2.0);
        }
    }

    @Test
    void minSources_keepsTheRoundOpenPastItsSizeAndPastTheDeadline_untilEnoughSourcesSentUpdates()
            throws Exception {
        try (var h = harness(settings(Strategies.fedAvg(1.0), 2).minSources(3).timeoutMillis(1000))) {
            h.open();
            h.setProcessingTime(0);
            h.processElement(update("a", 0, 1, 1), 0);
            h.processElement(update("a", 0, 1, 1), 0); // two updates, one source: still open
            h.setProcessingTime(1500); // the deadline waits another period below minSources
            h.processElement(update("b", 0, 1, 1), 0);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processElement(update("c", 0, 4, 4), 0); // third source: closes with all four updates
            GlobalModel v1 = last(h);
            assertThat(v1.version()).isEqualTo(1);
            assertThat(v1.roundUpdates()).isEqualTo(4);
            assertThat(v1.roundSources()).isEqualTo(3);
            assertThat(v1.params()).containsExactly(1.75f, 1.75f);
            // with enough sources, the deadline closes a short round
            h.processElement(update("a", 1, 1, 1), 0);
            h.processElement(update("b", 1, 1, 1), 0); // size reached, two sources: open
            h.processElement(update("c", 1, 1, 1), 0); // closes at once
            assertThat(last(h).version()).isEqualTo(2);
            h.processElement(update("a", 2, 1, 1), 0);
            h.setProcessingTime(3000);
            assertThat(last(h).version()).isEqualTo(2);
            h.processElement(update("b", 2, 1, 1), 0);
            h.processElement(update("c", 2, 1, 1), 0);
            assertThat(last(h).version()).isEqualTo(3);
        }
    }

    @Test
    void scaffold_movesTheServerControlVariateBySummedControlDeltasOverAllSources_andSendsIt()
            throws Exception {
        try (var h = harness(settings(Strategies.scaffold(1.0), 2))) {
            h.open();
            h.processElement(new LocalUpdate(0, "a", 0, 10, 0, 0, new float[] {1, 0}, false, 0,
                    new float[] {0.2f, 0.4f}), 0);
            h.processElement(new LocalUpdate(0, "b", 0, 10, 0, 0, new float[] {3, 0}, false, 0,
                    new float[] {0.6f, 0f}), 0);
            GlobalModel v1 = last(h);
            assertThat(v1.params()).containsExactly(2f, 0f);
            // c = 0 + ([0.2, 0.4] + [0.6, 0]) / 2 sources
            assertThat(v1.control()[0]).isCloseTo(0.4f, within(1e-6f));
            assertThat(v1.control()[1]).isCloseTo(0.2f, within(1e-6f));
            // a third source: N = 3
            h.processElement(new LocalUpdate(0, "c", 1, 10, 0, 0, new float[] {0, 0}, false, 0,
                    new float[] {0.3f, 0f}), 0);
            h.processElement(new LocalUpdate(0, "a", 1, 10, 0, 0, new float[] {0, 0}, false, 0,
                    new float[] {0f, 0.3f}), 0);
            GlobalModel v2 = last(h);
            assertThat(v2.control()[0]).isCloseTo(0.5f, within(1e-6f));
            assertThat(v2.control()[1]).isCloseTo(0.3f, within(1e-6f));
        }
    }

    /**
     * Reputation with FedAvg. Round 1: the reversed update [-3, -3] is bounded to the median norm
     * sqrt(2) and scored 0.5 (decay 0.5, cosine -1 floored at 0); the mean score is 3.5 / 4, so
     * honest updates get 1 / 0.875 and the reversed one 0.5 / 0.875: the step is
     * (3 / 0.875 - 0.5 / 0.875) / 4 = 0.714286. Round 2 (after a restore): scores 1 and 0.25, mean
     * 3.25 / 4, step (3 / 0.8125 - 0.25 / 0.8125) / 4 = 0.846154.
     */
    @Test
    void reputation_scalesEachUpdateByItsSourcesScore_andSurvivesARestore() throws Exception {
        AggregatorSettings settings = settings(Strategies.fedAvg(1.0), 4).reputationDecay(0.5).build();
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (var h = harness(settings)) {
            h.open();
            for (String s : List.of("a", "b", "c")) {
                h.processElement(update(s, 0, 1, 1), 0);
            }
            h.processElement(update("evil", 0, -3, -3), 0);
            assertThat(last(h).params()[0]).isCloseTo(0.714286f, within(1e-5f));
            snapshot = h.snapshot(1, 1);
        }
        FeedbackChannel.release(loopId, 0);
        try (var h = harness(settings)) {
            h.initializeState(snapshot);
            h.open();
            for (String s : List.of("a", "b", "c")) {
                h.processElement(update(s, 1, 1, 1), 0);
            }
            h.processElement(update("evil", 1, -3, -3), 0);
            assertThat(last(h).params()[0]).isCloseTo(0.714286f + 0.846154f, within(1e-5f));
        }
    }

    @Test
    void otherStrategies_sendNoControlVariate() throws Exception {
        try (var h = harness(settings(Strategies.fedAvg(1.0), 1))) {
            h.open();
            h.processElement(update("a", 0, 1, 1), 0);
            assertThat(last(h).control()).isNull();
        }
    }

    @Test
    void maxStaleness_dropsAndCountsUpdatesThatAreTooOld() throws Exception {
        try (var h = harness(settings(Strategies.fedAvg(1.0), 1).maxStaleness(1))) {
            h.open();
            h.processElement(update("a", 0, 1, 1), 0); // v1
            h.processElement(update("b", 0, 1, 1), 0); // v2 (staleness 1: kept)
            h.processElement(update("c", 0, 5, 5), 0); // staleness 2: dropped
            h.processElement(update("d", 2, 1, 1), 0); // v3
            GlobalModel v3 = last(h);
            assertThat(v3.version()).isEqualTo(3);
            assertThat(v3.params()).containsExactly(3f, 3f);
            assertThat(v3.updatesTooStale()).isEqualTo(1);
            assertThat(v3.samplesInModel()).isEqualTo(30);
        }
    }

    @Test
    void roundShortOfTheStrategysMinimum_isSkippedAndCounted() throws Exception {
        // Krum with f = 0 needs 3 updates; the end of input closes a round of 2
        try (var h = harness(settings(Strategies.krum(0), 3))) {
            h.open();
            h.processElement(update("a", 0, 1, 1), 0);
            h.processElement(update("b", 0, 1, 1), 0);
            h.processElement(update("c", 0, 1, 1), 0); // v1
            h.processElement(update("d", 1, 4, 4), 0);
            h.processElement(update("e", 1, 4, 4), 0);
            h.processElement(LocalUpdate.endMarker(0, 0), 0);
            GlobalModel fin = last(h);
            assertThat(fin.last()).isTrue();
            assertThat(fin.version()).isEqualTo(1);
            assertThat(fin.params()).containsExactly(1f, 1f);
            assertThat(fin.roundsSkipped()).isEqualTo(1);
            assertThat(fin.samplesInModel()).isEqualTo(30);
        }
    }

    @Test
    void nonFiniteUpdates_areRejectedAndARoundLeftShortIsSkipped() throws Exception {
        try (var h = harness(settings(Strategies.median(), 2))) {
            h.open();
            h.processElement(update("a", 0, 1, 1), 0);
            h.processElement(update("b", 0, Float.NaN, 1), 0); // round of 1 finite update: median of {1}
            GlobalModel v1 = last(h);
            assertThat(v1.params()).containsExactly(1f, 1f);
            assertThat(v1.updatesRejected()).isEqualTo(1);
            assertThat(v1.roundUpdates()).isEqualTo(1);
            assertThat(v1.samplesInModel()).isEqualTo(10);
            h.processElement(update("c", 1, Float.POSITIVE_INFINITY, 0), 0);
            h.processElement(update("d", 1, 0, Float.NaN), 0); // nothing left: skipped
            h.processElement(update("e", 1, 2, 2), 0);
            h.processElement(update("f", 1, 4, 4), 0); // v2
            GlobalModel v2 = last(h);
            assertThat(v2.version()).isEqualTo(2);
            assertThat(v2.params()).containsExactly(4f, 4f);
            assertThat(v2.updatesRejected()).isEqualTo(3);
            assertThat(v2.roundsSkipped()).isEqualTo(1);
        }
    }

    @Test
    void dp_mergesEachSourcesUpdatesBeforeClippingAndAccountsEveryAppliedRound() throws Exception {
        // clipping norm 1, no noise: a source's two updates [3,0] and [0,4] are one update [3,4],
        // clipped to [0.6,0.8]; clipped separately they would give a different mean
        try (var h = harness(settings(Strategies.dpFixedClipping(1.0, 0.0, 1), 3).dpAccounting(dp(0.0)))) {
            h.open();
            h.processElement(update("a", 0, 3, 0), 0);
            h.processElement(update("a", 0, 0, 4), 0);
            h.processElement(update("b", 0, 0, 0), 0);
            GlobalModel v1 = last(h);
            assertThat(v1.roundUpdates()).isEqualTo(2);
            assertThat(v1.roundSources()).isEqualTo(2);
            assertThat(v1.samplesInModel()).isEqualTo(30);
            assertThat((double) v1.params()[0]).isCloseTo(0.3, within(1e-6));
            assertThat((double) v1.params()[1]).isCloseTo(0.4, within(1e-6));
            // no noise: no guarantee
            assertThat(v1.epsilon()).isInfinite();
            assertThat(v1.dpDelta()).isEqualTo(1e-5);
        }
    }

    @Test
    void dp_epsilonGrowsWithRoundsAndContinuesAfterARestore() throws Exception {
        double z = 2.0;
        OperatorSubtaskState snapshot;
        double afterTwo;
        try (var h = harness(settings(Strategies.dpFixedClipping(1.0, z, 1), 1).dpAccounting(dp(z)))) {
            h.open();
            h.processElement(update("a", 0, 0.1f, 0.1f), 0);
            double afterOne = last(h).epsilon();
            h.processElement(update("a", 1, 0.1f, 0.1f), 0);
            afterTwo = last(h).epsilon();
            assertThat(afterTwo).isGreaterThan(afterOne).isFinite();
            snapshot = h.snapshot(1, 1);
        }
        FeedbackChannel.release(loopId, 0);
        try (var restored = harness(settings(Strategies.dpFixedClipping(1.0, z, 1), 1).dpAccounting(dp(z)))) {
            restored.initializeState(snapshot);
            restored.open();
            assertThat(FeedbackChannel.of(loopId, 0).poll().epsilon()).isEqualTo(afterTwo);
            restored.processElement(update("a", 2, 0.1f, 0.1f), 0);
            GlobalModel v3 = last(restored);
            RdpAccountant three = new RdpAccountant();
            three.compose(1.0, z, 3);
            assertThat(v3.epsilon()).isCloseTo(three.epsilon(1e-5).epsilon(), within(1e-9));
        }
    }

    @Test
    void serverOptimizerState_survivesARestore() throws Exception {
        AggregationStrategy momentum = Strategies.fedAvgM(1.0, 0.9);
        float[] uninterrupted;
        try (var h = harness(settings(momentum, 1))) {
            h.open();
            for (int i = 0; i < 3; i++) {
                h.processElement(update("a", i, 1, 1), 0);
            }
            uninterrupted = last(h).params();
        }
        FeedbackChannel.release(loopId, 0);
        OperatorSubtaskState snapshot;
        try (var h = harness(settings(momentum, 1))) {
            h.open();
            h.processElement(update("a", 0, 1, 1), 0);
            h.processElement(update("a", 1, 1, 1), 0);
            snapshot = h.snapshot(1, 1);
        }
        FeedbackChannel.release(loopId, 0);
        try (var restored = harness(settings(momentum, 1))) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(update("a", 2, 1, 1), 0);
            // 1 + 1.9 + 2.71: the momentum carried over the restore
            assertThat(last(restored).params()).containsExactly(uninterrupted);
            assertThat((double) uninterrupted[0]).isCloseTo(5.61, within(1e-5));
        }
    }

    @Test
    void resumedWithAnotherStrategy_startsItsServerStateAfresh() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(settings(Strategies.fedYogi(), 1))) {
            h.open();
            h.processElement(update("a", 0, 1, 1), 0);
            snapshot = h.snapshot(1, 1);
        }
        FeedbackChannel.release(loopId, 0);
        // FedAdagrad's state has FedYogi's size, but not its meaning
        float[] step = new float[2];
        try (var restored = harness(settings(Strategies.fedAdagrad(), 1))) {
            restored.initializeState(snapshot);
            restored.open();
            float[] before = FeedbackChannel.of(loopId, 0).poll().params();
            restored.processElement(update("a", 1, 1, 1), 0);
            step[0] = last(restored).params()[0] - before[0];
        }
        FeedbackChannel.release(loopId, 0);
        try (var fresh = harness(settings(Strategies.fedAdagrad(), 1))) {
            fresh.open();
            fresh.processElement(update("a", 0, 1, 1), 0);
            // Adagrad's first step from zero moments: eta * d / (|d| + tau) = 0.1
            assertThat(last(fresh).params()[0]).isCloseTo(0.1f, within(1e-6f));
            assertThat(step[0]).isCloseTo(0.1f, within(1e-6f));
        }
    }
}
