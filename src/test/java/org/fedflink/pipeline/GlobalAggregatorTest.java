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

    /** A linear model of 15 weights and a bias: a round moving a few coordinates moves under a quarter. */
    private static final org.fedflink.model.ModelSpec SPEC16 =
            new org.fedflink.model.ModelSpec(org.fedflink.model.ModelType.LINEAR, 15, 16, 0.0);

    private OneInputStreamOperatorTestHarness<LocalUpdate, GlobalModel> harness16() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new GlobalAggregator(
                AggregatorSettings.builder(Strategies.fedAvg(1.0), SPEC16, loopId).updatesPerRound(1)
                        .windowExamples(1000).build()));
    }

    private static LocalUpdate sparse16(String source, int base, int[] indices, float[] values) {
        return new LocalUpdate(0, source, base, 10, 5, 5, values, false, 0, null, indices);
    }

    private static LocalUpdate dense16(String source, int base, int[] indices, float[] values) {
        float[] delta = new float[16];
        for (int k = 0; k < indices.length; k++) {
            delta[indices[k]] = values[k];
        }
        return new LocalUpdate(0, source, base, 10, 5, 5, delta, false, 0);
    }

    /**
     * Sparse rounds go out as the coordinates they changed once the version before went out whole
     * from the same attempt, to the writer and the trainers alike; made whole, every version is the
     * one dense updates give. After a restore the first version is whole again.
     */
    @Test
    void closeRound_sparseRoundsPublishTheirChanges_wholeAgainAfterARestore() throws Exception {
        int[][] indices = {{1}, {3, 5}, {5, 7}, {2}, {9, 1}};
        float[][] values = {{2}, {1, -1}, {0.5f, 4}, {3}, {-2, 1}};
        List<GlobalModel> dense;
        try (var h = harness16()) {
            h.open();
            for (int u = 0; u < indices.length; u++) {
                h.processElement(dense16("s" + u, u, indices[u], values[u]), 0);
            }
            dense = h.extractOutputValues();
            assertThat(dense).hasSize(indices.length).noneMatch(GlobalModel::changesOnly);
        }
        WholeShards whole = new WholeShards(1);
        OperatorSubtaskState snapshot;
        try (var h = harness16()) {
            h.open();
            FeedbackChannel channel = FeedbackChannel.of(loopId, 0);
            for (int u = 0; u < 3; u++) {
                h.processElement(sparse16("s" + u, u, indices[u], values[u]), 0);
                // the trainers get the writer's piece
                GlobalModel toTrainers = channel.poll();
                GlobalModel toWriter = h.extractOutputValues().get(u);
                assertThat(toTrainers.version()).isEqualTo(toWriter.version());
                assertThat(toTrainers.changesFrom()).isEqualTo(toWriter.changesFrom());
                assertThat(toTrainers.changedIndices()).isEqualTo(toWriter.changedIndices());
                assertThat(toTrainers.params()).containsExactly(toWriter.params());
            }
            List<GlobalModel> out = h.extractOutputValues();
            assertThat(out).extracting(GlobalModel::changesOnly).containsExactly(false, true, true);
            assertThat(out.get(1).changedIndices()).containsExactlyInAnyOrder(3, 5);
            assertThat(out.get(1).changesFrom()).isEqualTo(1);
            assertThat(out.get(1).params()).hasSize(2);
            for (GlobalModel piece : out) {
                assertThat(whole.whole(piece).params()).containsExactly(dense.get((int) piece.version() - 1).params());
            }
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness16()) {
            h.initializeState(snapshot);
            h.open();
            FeedbackChannel channel = FeedbackChannel.of(loopId, 0);
            // re-seeding the trainers: whole, and only to them
            assertThat(channel.poll()).satisfies(p -> {
                assertThat(p.version()).isEqualTo(3);
                assertThat(p.changesOnly()).isFalse();
            });
            for (int u = 3; u < indices.length; u++) {
                h.processElement(sparse16("s" + u, u, indices[u], values[u]), 0);
            }
            List<GlobalModel> out = h.extractOutputValues();
            // the restored writer holds no version to apply changes to: the first goes out whole
            assertThat(out).extracting(GlobalModel::changesOnly).containsExactly(false, true);
            WholeShards restoredWriter = new WholeShards(1);
            for (GlobalModel piece : out) {
                assertThat(restoredWriter.whole(piece).params())
                        .containsExactly(dense.get((int) piece.version() - 1).params());
            }
        }
    }

    /**
     * The channel to the trainers holds one piece: versions not yet taken merge, so that what the
     * trainers take is the newest version whatever they missed.
     */
    @Test
    void feedbackChannel_conflatedChangesMerge_intoTheNewestVersion() throws Exception {
        int[][] indices = {{1}, {3, 5}, {5, 7}, {2}};
        float[][] values = {{2}, {1, -1}, {0.5f, 4}, {3}};
        try (var h = harness16()) {
            h.open();
            FeedbackChannel channel = FeedbackChannel.of(loopId, 0);
            h.processElement(sparse16("s0", 0, indices[0], values[0]), 0);
            float[] held = channel.poll().params().clone();
            for (int u = 1; u < indices.length; u++) {
                h.processElement(sparse16("s" + u, u, indices[u], values[u]), 0);
            }
            GlobalModel merged = channel.poll();
            assertThat(merged.version()).isEqualTo(4);
            assertThat(merged.changesFrom()).isEqualTo(1);
            assertThat(merged.changedIndices()).containsExactlyInAnyOrder(3, 5, 7, 2);
            merged.applyTo(held);
            WholeShards whole = new WholeShards(1);
            GlobalModel newest = null;
            for (GlobalModel piece : h.extractOutputValues()) {
                newest = whole.whole(piece);
            }
            assertThat(newest.version()).isEqualTo(4);
            assertThat(held).containsExactly(newest.params());
        }
    }

    /** A piece of changes whose version before is not the one held is refused, not applied to the wrong model. */
    @Test
    void wholeShards_changesToAVersionNotHeld_areRefused() {
        GlobalModel v1 = new GlobalModel(0, 1, 1, new float[] {1, 2, 3, 4}, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, false);
        GlobalModel v3 = new GlobalModel(0, 1, 3, new float[] {9}, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, false, 0, 0, 0,
                Double.NaN, Double.NaN, null, 0, 2, new int[] {2});
        WholeShards whole = new WholeShards(1);
        assertThatThrownBy(() -> whole.whole(v3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("version held is none");
        whole.whole(v1);
        assertThatThrownBy(() -> whole.whole(v3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("version held is 1");
        GlobalModel v2 = new GlobalModel(0, 1, 2, new float[] {9}, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, false, 0, 0, 0,
                Double.NaN, Double.NaN, null, 0, 1, new int[] {2});
        assertThat(whole.whole(v2).params()).containsExactly(1, 2, 9, 4);
        // the version it was made from is untouched
        assertThat(v1.params()).containsExactly(1, 2, 3, 4);
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
            // the same model: it goes out as no changes, which make it whole from the version before
            assertThat(last.changedIndices()).isEmpty();
            WholeShards whole = new WholeShards(1);
            whole.whole(out.get(0));
            assertThat(whole.whole(last).params()).containsExactly(out.get(0).params());
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
