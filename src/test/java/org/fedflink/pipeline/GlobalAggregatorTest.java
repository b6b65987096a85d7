package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.UUID;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.fedflink.federation.ShardLayout;
import org.fedflink.federation.Strategies;
import org.junit.jupiter.api.Test;

/** Operator tests of {@link GlobalAggregator}: rounds, FedAvg, end markers, restore. */
class GlobalAggregatorTest {

    private final String loopId = UUID.randomUUID().toString();

    /** A model of two parameters (one weight, one bias), matching the two-parameter layouts below. */
    private static final org.fedflink.model.ModelSpec SPEC =
            new org.fedflink.model.ModelSpec(org.fedflink.model.ModelType.LINEAR, 1, 2, 0.0);

    private OneInputStreamOperatorTestHarness<LocalUpdate, GlobalModel> harness(int updatesPerRound, int trainers)
            throws Exception {
        AggregatorSettings settings = AggregatorSettings.builder(Strategies.fedAvg(1.0), SPEC, loopId)
                .updatesPerRound(updatesPerRound)
                .trainerParallelism(trainers)
                .windowExamples(1000)
                .build();
        return new OneInputStreamOperatorTestHarness<>(new GlobalAggregator(settings));
    }

    private static LocalUpdate update(String source, long samples, float... delta) {
        return new LocalUpdate(0, source, 0, samples, samples * 0.5, samples / 2, delta, false, 0);
    }

    @Test
    void processElement_closesRoundWithSampleWeightedMean() throws Exception {
        try (var h = harness(2, 1)) {
            h.open();
            h.processElement(update("a", 10, 1, 2), 0);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processElement(update("b", 30, 3, 4), 0);
            List<GlobalModel> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            GlobalModel v1 = out.get(0);
            assertThat(v1.version()).isEqualTo(1);
            assertThat(v1.params()).containsExactly(2.5f, 3.5f);
            assertThat(v1.samplesInModel()).isEqualTo(40);
            assertThat(v1.sourcesInModel()).isEqualTo(2);
            assertThat(v1.roundUpdates()).isEqualTo(2);
            assertThat(v1.last()).isFalse();
            // the same version went into the feedback loop
            assertThat(FeedbackChannel.of(loopId, 0).poll().version()).isEqualTo(1);
        }
    }

    @Test
    void processElement_sparseUpdatesGiveTheModelOfTheirDenseForm_alsoAfterARestore() throws Exception {
        LocalUpdate sparse = new LocalUpdate(0, "a", 0, 10, 5, 5, new float[] {2}, false, 0, null, new int[] {1});
        OperatorSubtaskState snapshot;
        try (var h = harness(2, 1)) {
            h.open();
            h.processElement(sparse, 0);
            // the pending sparse update goes through a checkpoint as it is
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(2, 1)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(update("b", 30, 3, 4), 0);
            GlobalModel v1 = h.extractOutputValues().get(0);
            // (10 * (0, 2) + 30 * (3, 4)) / 40
            assertThat(v1.params()).containsExactly(2.25f, 3.5f);
            assertThat(v1.samplesInModel()).isEqualTo(40);
        }
        List<org.fedflink.federation.ClientUpdate> merged =
                org.fedflink.federation.SourceMerge.mergedBySource(List.of(sparse, update("a", 30, 3, 4)), 2);
        assertThat(merged).singleElement().satisfies(u -> assertThat(u.delta()).containsExactly(3f, 6f));
    }

    @Test
    void processElement_windowCoversExactlyTheLastExamples_notWholeUpdates() throws Exception {
        // window 1000 (the harness's), rounds of one update of 300 examples: after 4 rounds the window
        // holds the last 1000 of 1200, so the first 200 (all wrong, loss 2) are out of it
        try (var h = harness(1, 1)) {
            h.open();
            for (int u = 0; u < 4; u++) {
                org.fedflink.eval.OutcomeLog log = new org.fedflink.eval.OutcomeLog();
                double lossSum = 0;
                long correct = 0;
                for (int i = 0; i < 300; i++) {
                    boolean early = u * 300 + i < 200;
                    log.add(early ? 2f : 0.5f, !early);
                    lossSum += early ? 2 : 0.5;
                    correct += early ? 0 : 1;
                }
                h.processElement(new LocalUpdate(0, "a", u, 300, lossSum, correct, new float[] {0, 0}, false, 0)
                        .withOutcomes(log), 0);
            }
            List<GlobalModel> out = h.extractOutputValues();
            assertThat(out.get(0).windowPrequentialAccuracy()).isCloseTo(100.0 / 300, within(1e-12));
            assertThat(out.get(3).windowPrequentialAccuracy()).isEqualTo(1.0);
            assertThat(out.get(3).windowPrequentialLoss()).isCloseTo(0.5, within(1e-6));
            // the cumulative figures still cover all 1200
            assertThat(out.get(3).prequentialAccuracy()).isCloseTo(1000.0 / 1200, within(1e-12));
        }
    }

    @Test
    void processElement_endMarkersFromAllTrainersCloseTheLastRoundAndEndTheChannel() throws Exception {
        try (var h = harness(10, 2)) {
            h.open();
            h.processElement(update("a", 4, 1, 1), 0);
            h.processElement(LocalUpdate.endMarker(0, 0), 0);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processElement(LocalUpdate.endMarker(0, 1), 0);
            List<GlobalModel> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).last()).isTrue();
            assertThat(out.get(0).samplesInModel()).isEqualTo(4);
            FeedbackChannel channel = FeedbackChannel.of(loopId, 0);
            assertThat(channel.poll().last()).isTrue();
            assertThat(channel.isEndedAndDrained()).isTrue();
        }
    }

    /**
     * The last round closed on the last update, so its version went out not final: the end
     * publishes the next version, the same model, as the final one (each version is published
     * once: the model topic must end with a final version).
     */
    @Test
    void processElement_endWithNothingPending_publishesTheNextVersionAsFinal() throws Exception {
        try (var h = harness(2, 1)) {
            h.open();
            h.processElement(update("a", 10, 1, 2), 0);
            h.processElement(update("b", 30, 3, 4), 0);
            h.processElement(LocalUpdate.endMarker(0, 0), 0);
            List<GlobalModel> out = h.extractOutputValues();
            assertThat(out).extracting(GlobalModel::version).containsExactly(1L, 2L);
            assertThat(out).extracting(GlobalModel::last).containsExactly(false, true);
            GlobalModel last = out.get(1);
            assertThat(last.params()).containsExactly(out.get(0).params());
            assertThat(last.roundUpdates()).isZero();
            assertThat(last.rounds()).isEqualTo(1);
            assertThat(last.samplesInModel()).isEqualTo(40);
        }
    }

    /**
     * The input ends on a round of one update of 2 examples after rounds of two updates of 10: it
     * moves the model a tenth of its mean delta (ShortRounds), also when the server was restored
     * in between (what is usual is kept in its state).
     */
    @Test
    void processElement_aShortLastRoundTakesItsShareOfAStep_alsoAfterARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(2, 1)) {
            h.open();
            for (int round = 0; round < 3; round++) {
                h.processElement(update("a", 10, 0, 0), 0);
                h.processElement(update("b", 10, 0, 0), 0);
            }
            snapshot = h.snapshot(1, 1);
        }
        FeedbackChannel.release(loopId, 0);
        try (var restored = harness(2, 1)) {
            restored.initializeState(snapshot);
            restored.open();
            // half a round's updates, a fifth of a's usual examples: a tenth of the mean delta
            restored.processElement(update("a", 2, 10, -20), 0);
            restored.processElement(LocalUpdate.endMarker(0, 0), 0);
            GlobalModel last = restored.extractOutputValues().get(0);
            assertThat(last.last()).isTrue();
            assertThat(last.samplesInModel()).isEqualTo(62);
            assertThat(last.params()[0]).isCloseTo(1f, within(1e-5f));
            assertThat(last.params()[1]).isCloseTo(-2f, within(1e-5f));
        }
    }

    /** The centralized learner's sum keeps every delta whole: its learner never adopts the global model. */
    @Test
    void processElement_theCentralizedSumAddsAShortRoundWhole() throws Exception {
        AggregatorSettings settings = AggregatorSettings.builder(Strategies.sum(), SPEC, loopId)
                .updatesPerRound(1)
                .windowExamples(1000)
                .build();
        try (var h = new OneInputStreamOperatorTestHarness<LocalUpdate, GlobalModel>(new GlobalAggregator(settings))) {
            h.open();
            for (int round = 0; round < 3; round++) {
                h.processElement(update("centralized", 100, 0, 0), 0);
            }
            h.processElement(update("centralized", 2, 10, -20), 0);
            List<GlobalModel> out = h.extractOutputValues();
            assertThat(out.get(out.size() - 1).params()).containsExactly(10f, -20f);
        }
    }

    @Test
    void snapshot_restoreKeepsPendingRoundAndRepublishesVersion() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(2, 1)) {
            h.open();
            h.processElement(update("a", 10, 1, 2), 0);
            h.processElement(update("b", 30, 3, 4), 0); // v1
            h.processElement(update("c", 20, 2, 2), 0); // pending
            snapshot = h.snapshot(1, 1);
        }
        FeedbackChannel.release(loopId, 0);
        try (var restored = harness(2, 1)) {
            restored.initializeState(snapshot);
            restored.open();
            GlobalModel republished = FeedbackChannel.of(loopId, 0).poll();
            assertThat(republished.version()).isEqualTo(1);
            assertThat(republished.params()).containsExactly(2.5f, 3.5f);
            assertThat(restored.extractOutputValues()).isEmpty(); // not written twice downstream
            restored.processElement(update("d", 20, 0, 0), 0);
            GlobalModel v2 = restored.extractOutputValues().get(0);
            assertThat(v2.version()).isEqualTo(2);
            assertThat(v2.samplesInModel()).isEqualTo(80);
            assertThat(v2.params()).containsExactly(3.5f, 4.5f); // [2.5,3.5] + mean([2,2],[0,0])
            assertThat(v2.sourcesInModel()).isEqualTo(4);
        }
    }

    @Test
    void initializeState_refusesAChangedShardCount() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(2, 1)) {
            h.open();
            h.processElement(update("a", 10, 1, 2), 0);
            snapshot = h.snapshot(1, 1);
        }
        AggregatorSettings twoShards = AggregatorSettings.builder(Strategies.fedAvg(1.0), SPEC, loopId)
                .layout(new ShardLayout(2, 2))
                .updatesPerRound(2)
                .windowExamples(1000)
                .build();
        try (var restored = new OneInputStreamOperatorTestHarness<>(new GlobalAggregator(twoShards), 2, 2, 0)) {
            assertThatThrownBy(() -> restored.initializeState(snapshot))
                    .hasStackTraceContaining("the savepoint holds a model split into 1 shards but the job spec asks for 2; the shard count cannot change on restore");
        }
    }
}
