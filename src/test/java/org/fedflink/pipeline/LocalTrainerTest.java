package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.fedflink.data.ByteValues;
import org.fedflink.data.Example;
import org.fedflink.federation.ShardLayout;
import org.fedflink.federation.SourceModel;
import org.fedflink.model.LearningRate;
import org.fedflink.model.LocalOptimizers;
import org.fedflink.model.Model;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.fedflink.model.OnlineLearner;
import org.junit.jupiter.api.Test;

/** Operator tests of {@link LocalTrainer} on Flink's keyed two-input harness (heap state). */
class LocalTrainerTest {

    private static final ModelSpec SPEC = new ModelSpec(ModelType.LINEAR, 2, 0, 0.0);
    private static final double RATE = 0.1;

    private static TrainerSettings settings(int localExamples, long eventTimeMillis, int shards, int cacheSize) {
        return TrainerSettings.builder(SPEC, LocalOptimizers.sgd(LearningRate.constant(RATE)))
                .localExamples(localExamples)
                .eventTimeMillis(eventTimeMillis)
                .layout(new ShardLayout(SPEC.numParams(), shards))
                .cacheSize(cacheSize)
                .build();
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Example, GlobalModel, LocalUpdate> harness(
            TrainerSettings settings) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new LocalTrainer(settings), Example::source, null, Types.STRING);
        return h;
    }

    private static Example ex(String source, double x0, double x1, double y) {
        return new Example(source, 0, y, null, new float[] {(float) x0, (float) x1});
    }

    /** What a plain learner computes on the same examples, to compare the trainer's deltas with. */
    private static float[] trainPlain(float[] start, Example... examples) {
        OnlineLearner learner = new OnlineLearner(Model.of(SPEC), LocalOptimizers.sgd(LearningRate.constant(RATE)));
        float[] params = start.clone();
        float[] state = learner.initialState();
        long step = 0;
        for (Example e : examples) {
            learner.learn(params, state, step++, e.indices(), e.values(), e.label());
        }
        return params;
    }

    private static List<LocalUpdate> updates(KeyedTwoInputStreamOperatorTestHarness<String, Example, GlobalModel, LocalUpdate> h) {
        return h.extractOutputValues().stream().filter(u -> !u.endOfInput()).toList();
    }

    private static GlobalModel global(long version, float[] params) {
        return new GlobalModel(0, 1, version, params, 0, 0, version, 0, 0, 0, 0, 0, 0, 0, 0, 0, false);
    }

    @Test
    void processElement1_reportsEveryKExamplesWithTheLearnedDelta() throws Exception {
        try (var h = harness(settings(3, 0, 1, 100))) {
            h.open();
            Example[] xs = {ex("a", 1, 0, 1), ex("a", 0, 1, 2), ex("a", 1, 1, 3), ex("a", 1, 2, 1)};
            for (Example e : xs) {
                h.processElement1(e, 0);
            }
            List<LocalUpdate> out = updates(h);
            assertThat(out).hasSize(1);
            LocalUpdate u = out.get(0);
            assertThat(u.source()).isEqualTo("a");
            assertThat(u.samples()).isEqualTo(3);
            assertThat(u.baseVersion()).isZero();
            assertThat(u.delta()).containsExactly(trainPlain(new float[3], xs[0], xs[1], xs[2]));
            assertThat(u.lossSum()).isPositive();
        }
    }

    @Test
    void processElement1_examplesHeldAsBytes_trainAsTheirValues_andNeverOverwriteAnExamplesOwnValues()
            throws Exception {
        try (var h = harness(settings(3, 0, 1, 100))) {
            h.open();
            ByteValues.Scale scale = ByteValues.Scale.divideBy(2);
            float[] own = {1f, 1f};
            Example[] xs = {Example.ofBytes("a", 0, 1, new ByteValues(new byte[] {4, 0}, scale)),
                new Example("a", 0, 0, null, own),
                Example.ofBytes("a", 0, 1, new ByteValues(new byte[] {0, (byte) 255}, scale))};
            for (Example e : xs) {
                h.processElement1(e, 0);
            }
            assertThat(own).as("a float example's values stay its own").containsExactly(1f, 1f);
            List<LocalUpdate> out = updates(h);
            assertThat(out).hasSize(1);
            assertThat(out.get(0).delta()).containsExactly(trainPlain(new float[3],
                    ex("a", 2, 0, 1), ex("a", 1, 1, 0), ex("a", 0, 127.5, 1)));
        }
    }

    @Test
    void processElement1_keepsSourcesApart() throws Exception {
        try (var h = harness(settings(2, 0, 1, 100))) {
            h.open();
            Example a1 = ex("a", 1, 0, 5);
            Example b1 = ex("b", 0, 1, -3);
            Example a2 = ex("a", 2, 0, 5);
            Example b2 = ex("b", 0, 2, -3);
            h.processElement1(a1, 0);
            h.processElement1(b1, 0);
            h.processElement1(a2, 0);
            h.processElement1(b2, 0);
            List<LocalUpdate> out = updates(h);
            assertThat(out).extracting(LocalUpdate::source).containsExactly("a", "b");
            assertThat(out.get(0).delta()).containsExactly(trainPlain(new float[3], a1, a2));
            assertThat(out.get(1).delta()).containsExactly(trainPlain(new float[3], b1, b2));
        }
    }

    @Test
    void processElement2_newerVersionIsAdoptedAndUnreportedProgressCarriedOver() throws Exception {
        try (var h = harness(settings(2, 0, 1, 100))) {
            h.open();
            Example e1 = ex("a", 1, 0, 1);
            Example e2 = ex("a", 0, 1, 1);
            Example e3 = ex("a", 1, 1, 2);
            h.processElement1(e1, 0);
            h.processElement1(e2, 0); // reports: anchor = params after e1, e2
            float[] afterTwo = trainPlain(new float[3], e1, e2);
            float[] g = {0.5f, -0.25f, 1f};
            h.processElement2(global(4, g), 0);
            h.processElement1(e3, 0); // rebases on v4, then learns e3 from there
            h.processElement1(e3, 0);
            List<LocalUpdate> out = updates(h);
            assertThat(out).hasSize(2);
            LocalUpdate second = out.get(1);
            assertThat(second.baseVersion()).isEqualTo(4);
            // Nothing was unreported at rebase time, so the delta is exactly two steps from g.
            float[] fromG = trainPlain(g, e3, e3);
            for (int i = 0; i < 3; i++) {
                assertThat(second.delta()[i]).isCloseTo(fromG[i] - g[i], org.assertj.core.data.Offset.offset(1e-6f));
            }
            assertThat(afterTwo).isNotEqualTo(g);
        }
    }

    /**
     * FTRL keeps its state across the adoption of a global model, but steps from the adopted
     * weights: the update after the rebase is the FTRL steps from {@code g} (with the source's
     * {@code n}), not a jump back to the weights the source's own {@code z} gives.
     */
    @Test
    void processElement2_ftrlStepsFromTheAdoptedGlobalModel() throws Exception {
        var ftrl = LocalOptimizers.ftrl(0.5, 1.0, 0.0, 0.0);
        TrainerSettings settings = TrainerSettings.builder(SPEC, ftrl).localExamples(2).cacheSize(100).build();
        try (var h = harness(settings)) {
            h.open();
            Example e1 = ex("a", 1, 0, 1);
            Example e2 = ex("a", 0, 1, 1);
            Example e3 = ex("a", 1, 1, 2);
            h.processElement1(e1, 0);
            h.processElement1(e2, 0); // reports
            float[] g = {3f, -2f, 0.5f}; // predicts 1.5 for e3 (label 2): a gradient to follow
            h.processElement2(global(4, g), 0);
            h.processElement1(e3, 0); // rebases on v4, then learns e3 from there
            h.processElement1(e3, 0);

            OnlineLearner learner = new OnlineLearner(Model.of(SPEC), ftrl);
            float[] params = learner.initialParams();
            float[] state = learner.initialState();
            learner.learn(params, state, 0, null, e1.values(), e1.label());
            learner.learn(params, state, 1, null, e2.values(), e2.label());
            float[] ownWeights = params.clone();
            System.arraycopy(g, 0, params, 0, g.length); // what adopting v4 does to the weights
            learner.learn(params, state, 2, null, e3.values(), e3.label());
            learner.learn(params, state, 3, null, e3.values(), e3.label());

            LocalUpdate second = updates(h).get(1);
            assertThat(second.baseVersion()).isEqualTo(4);
            assertThat(second.delta()).doesNotContain(0f);
            double moved = 0;
            double wayBack = 0;
            for (int i = 0; i < 3; i++) {
                assertThat(second.delta()[i]).as("parameter %d", i)
                        .isCloseTo(params[i] - g[i], org.assertj.core.data.Offset.offset(1e-6f));
                moved += Math.abs(second.delta()[i]);
                wayBack += Math.abs(ownWeights[i] - g[i]);
            }
            // two small steps from g, far less than the way back to the source's own weights
            assertThat(moved).isLessThan(wayBack / 4);
        }
    }

    @Test
    void processElement2_progressBetweenReportAndGlobalIsNotLost() throws Exception {
        try (var h = harness(settings(2, 0, 1, 100))) {
            h.open();
            Example e = ex("a", 1, 2, 3);
            h.processElement1(e, 0);
            h.processElement1(e, 0); // report #1
            h.processElement1(e, 0); // unreported progress p = w - anchor
            float[] beforeRebase = trainPlain(new float[3], e, e, e);
            float[] anchor = trainPlain(new float[3], e, e);
            float[] g = {1f, 1f, 1f};
            h.processElement2(global(1, g), 0);
            h.processElement1(e, 0); // rebase: w = g + p, then one more step, then report #2
            List<LocalUpdate> out = updates(h);
            assertThat(out).hasSize(2);
            float[] rebased = new float[3];
            for (int i = 0; i < 3; i++) {
                rebased[i] = g[i] + (beforeRebase[i] - anchor[i]);
            }
            float[] expected = trainPlain(rebased, e);
            // The fourth step uses step index 3 of the schedule; constant rate makes it equal.
            for (int i = 0; i < 3; i++) {
                assertThat(out.get(1).delta()[i])
                        .isCloseTo(expected[i] - g[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
            assertThat(out.get(1).samples()).isEqualTo(2);
        }
    }

    @Test
    void processElement2_olderVersionIsIgnored() throws Exception {
        try (var h = harness(settings(1, 0, 1, 100))) {
            h.open();
            h.processElement2(global(5, new float[] {1, 1, 1}), 0);
            h.processElement2(global(3, new float[] {9, 9, 9}), 0);
            h.processElement1(ex("a", 0, 0, 0), 0);
            LocalUpdate u = updates(h).get(0);
            assertThat(u.baseVersion()).isEqualTo(5);
            // Trained from v5's parameters: x = 0, y = 0, prediction = bias 1, so only the bias moves.
            assertThat(u.delta()[0]).isZero();
            assertThat(u.delta()[2]).isCloseTo((float) (-RATE * 1.0), org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    /**
     * A version that comes as the coordinates it changed moves the trainer as the whole version
     * would, and a checkpoint taken after it holds that version whole (a restore has nothing to
     * apply changes to).
     */
    @Test
    void processElement2_changesOnlyVersion_trainsAndRestoresAsTheWholeOne() throws Exception {
        float[] v5 = {1, -1, 0.5f};
        float[] v6 = {1, 2, 0.5f};
        GlobalModel changes = new GlobalModel(0, 1, 6, new float[] {2}, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0,
                0, 0, Double.NaN, Double.NaN, null, 0, 5, new int[] {1});
        Example e = ex("a", 1, 1, 1);
        OperatorSubtaskState snapshot;
        try (var h = harness(settings(1, 0, 1, 100))) {
            h.open();
            h.processElement2(global(5, v5), 0);
            h.processElement2(changes, 0);
            h.processElement1(e, 0);
            assertThat(updates(h).get(0).baseVersion()).isEqualTo(6);
            assertThat(updates(h).get(0).delta()).containsExactly(delta(trainPlain(v6, e), v6));
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness(settings(1, 0, 1, 100))) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement1(ex("b", 1, 1, 1), 0);
            LocalUpdate u = updates(restored).get(0);
            assertThat(u.baseVersion()).isEqualTo(6);
            assertThat(u.delta()).containsExactly(delta(trainPlain(v6, ex("b", 1, 1, 1)), v6));
        }
    }

    private static float[] delta(float[] after, float[] before) {
        float[] d = new float[after.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = after[i] - before[i];
        }
        return d;
    }

    @Test
    void snapshot_restoredIntoFreshHarnessContinuesEachSource() throws Exception {
        OperatorSubtaskState snapshot;
        Example e = ex("a", 1, 0, 2);
        Example f = ex("b", 0, 1, -1);
        try (var h = harness(settings(3, 0, 1, 1))) { // cache of 1 forces evictions through state
            h.open();
            h.processElement1(e, 0);
            h.processElement1(f, 0);
            h.processElement1(e, 0);
            h.prepareSnapshotPreBarrier(1); // as the task does before the barrier
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness(settings(3, 0, 1, 1))) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement1(e, 0);
            List<LocalUpdate> out = updates(restored);
            assertThat(out).hasSize(1);
            assertThat(out.get(0).source()).isEqualTo("a");
            assertThat(out.get(0).samples()).isEqualTo(3);
            assertThat(out.get(0).delta()).containsExactly(trainPlain(new float[3], e, e, e));
            restored.endInput1();
            List<LocalUpdate> all = restored.extractOutputValues();
            LocalUpdate b = all.stream().filter(u -> u.source().equals("b")).findFirst().orElseThrow();
            assertThat(b.samples()).isEqualTo(1);
            assertThat(b.delta()).containsExactly(trainPlain(new float[3], f));
        }
    }

    /**
     * A source evicted right after reporting has nothing unreported: its stored state holds one
     * model (no anchor), and once reloaded it goes on exactly as a source that stayed cached.
     * (With the heap backend the state holds the cached object itself, anchor included.)
     */
    @Test
    void evictedAfterAReport_storesOneModelAndContinuesExactly() throws Exception {
        Example e = ex("a", 1, 0, 2);
        Example f = ex("b", 0, 1, -1);
        try (var h = harness(settings(2, 0, 1, 1))) { // cache of 1: "b" evicts "a"
            // RocksDB, as in a job: it serializes on update, so the test reads what was written
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.open();
            h.processElement1(e, 0);
            h.processElement1(e, 0);
            h.processElement1(f, 0);
            LocalTrainer trainer = (LocalTrainer) h.getOperator();
            trainer.setCurrentKey("a");
            SourceModel stored = trainer.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    StateDescriptors.sourceState()).value();
            assertThat(stored.samples).isZero();
            assertThat(stored.anchor).isNull();
            assertThat(stored.params).containsExactly(trainPlain(new float[3], e, e));

            h.processElement1(e, 0);
            h.processElement1(e, 0);
            List<LocalUpdate> fromA = updates(h).stream().filter(u -> u.source().equals("a")).toList();
            assertThat(fromA).hasSize(2);
            float[] afterTwo = trainPlain(new float[3], e, e);
            float[] afterFour = trainPlain(new float[3], e, e, e, e);
            float[] secondDelta = new float[3];
            for (int j = 0; j < 3; j++) {
                secondDelta[j] = afterFour[j] - afterTwo[j];
            }
            assertThat(fromA.get(1).delta()).containsExactly(secondDelta);
        }
    }

    /**
     * State written by earlier versions (Flink's POJO serializer, the old state name) is read
     * from a savepoint and moved: the source continues from it, and its state is then written
     * under the new name only.
     */
    @Test
    void legacySourceState_isReadAndMovedToTheBulkState() throws Exception {
        Example e = ex("a", 1, 0, 2);
        OperatorSubtaskState snapshot;
        float[] legacyParams = {0.5f, -0.25f, 0.125f};
        try (var h = harness(settings(2, 0, 1, 10))) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.open();
            LocalTrainer trainer = (LocalTrainer) h.getOperator();
            trainer.setCurrentKey("a");
            SourceState old = new SourceState();
            old.params = legacyParams.clone();
            old.optimizerState = new float[0];
            old.baseVersions = new long[1];
            old.steps = 4;
            trainer.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    StateDescriptors.legacySourceState()).update(old);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(settings(2, 0, 1, 10))) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.initializeState(snapshot);
            h.open();
            h.processElement1(e, 0);
            h.processElement1(e, 0);
            LocalUpdate u = updates(h).get(0);
            float[] expected = trainPlain(legacyParams, e, e);
            for (int j = 0; j < 3; j++) {
                assertThat(u.delta()[j]).isCloseTo(expected[j] - legacyParams[j], org.assertj.core.data.Offset.offset(1e-6f));
            }
            h.endInput1();
            LocalTrainer trainer = (LocalTrainer) h.getOperator();
            trainer.setCurrentKey("a");
            assertThat(trainer.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    StateDescriptors.legacySourceState()).value()).isNull();
            SourceModel moved = trainer.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    StateDescriptors.sourceState()).value();
            assertThat(moved.steps).isEqualTo(6);
            assertThat(moved.params).containsExactly(expected);
        }
    }

    @Test
    void endInput1_flushesEverySourceThenSendsOneEndMarkerPerShard() throws Exception {
        try (var h = harness(settings(100, 0, 2, 1))) {
            h.open();
            h.processElement1(ex("a", 1, 0, 1), 0);
            h.processElement1(ex("b", 1, 0, 1), 0);
            h.processElement1(ex("c", 1, 0, 1), 0);
            h.endInput1();
            List<LocalUpdate> all = h.extractOutputValues();
            List<LocalUpdate> pieces = all.stream().filter(u -> !u.endOfInput()).toList();
            assertThat(pieces).hasSize(6); // 3 sources x 2 shards
            assertThat(pieces).extracting(LocalUpdate::source).containsOnly("a", "b", "c");
            assertThat(pieces.stream().filter(u -> u.shard() == 0).mapToInt(u -> u.delta().length).sum())
                    .isEqualTo(3 * 1); // shard 0 holds parameter 0 of 3 (layout 1 + 2)
            List<LocalUpdate> markers = all.subList(all.size() - 2, all.size());
            assertThat(markers).allMatch(LocalUpdate::endOfInput);
            assertThat(markers).extracting(LocalUpdate::shard).containsExactly(0, 1);
        }
    }

    @Test
    void onEventTime_reportsAtRoundBoundary() throws Exception {
        try (var h = harness(settings(1000, 100, 1, 100))) {
            h.open();
            h.processElement1(new StreamRecord<>(ex("a", 1, 0, 1), 10));
            h.processElement1(new StreamRecord<>(ex("a", 1, 0, 1), 50));
            h.processWatermark1(new Watermark(98));
            assertThat(updates(h)).isEmpty();
            h.processWatermark1(new Watermark(99));
            assertThat(updates(h)).hasSize(1);
            assertThat(updates(h).get(0).samples()).isEqualTo(2);
        }
    }

    private static StreamRecord<Example> at(long time, Example example) {
        return new StreamRecord<>(example, time);
    }

    @Test
    void onEventTime_cachedSourcesWaitInMemoryWithoutKeyedTimers() throws Exception {
        try (var h = harness(settings(1000, 100, 1, 100))) {
            h.open();
            h.processElement1(at(10, ex("a", 1, 0, 1)));
            h.processElement1(at(20, ex("b", 1, 0, 1)));
            h.processElement1(at(30, ex("a", 1, 0, 1)));
            assertThat(h.numEventTimeTimers()).isZero();
            h.processWatermark1(new Watermark(98));
            assertThat(updates(h)).isEmpty();
            h.processWatermark1(new Watermark(99));
            assertThat(updates(h)).extracting(LocalUpdate::source, LocalUpdate::samples)
                    .containsExactlyInAnyOrder(tuple("a", 2L),
                            tuple("b", 1L));
            h.processWatermark1(new Watermark(1000));
            assertThat(updates(h)).hasSize(2);
        }
    }

    @Test
    void onEventTime_aSourceEvictedWhileWaitingReportsAtTheBoundaryOnce() throws Exception {
        try (var h = harness(settings(1000, 100, 1, 2))) { // room for two sources, in cache and in memory
            h.open();
            h.processElement1(at(10, ex("a", 1, 0, 1)));
            h.processElement1(at(20, ex("b", 1, 0, 1)));
            h.processElement1(at(30, ex("c", 1, 0, 1))); // evicts a, which takes a keyed timer along
            h.processElement1(at(40, ex("d", 1, 0, 1))); // evicts b; d finds the memory full
            assertThat(h.numEventTimeTimers()).isEqualTo(4); // a, b evicted; c, d past the memory's bound
            h.processElement1(at(50, ex("a", 1, 0, 1))); // a back in the cache, still waiting
            h.processWatermark1(new Watermark(99));
            assertThat(updates(h)).extracting(LocalUpdate::source, LocalUpdate::samples)
                    .containsExactlyInAnyOrder(tuple("a", 2L),
                            tuple("b", 1L),
                            tuple("c", 1L),
                            tuple("d", 1L));
        }
    }

    @Test
    void onEventTime_aSourceWaitingInMemoryAtACheckpointReportsAfterTheRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(settings(1000, 100, 1, 100))) {
            h.open();
            h.processElement1(at(10, ex("a", 1, 0, 1)));
            h.prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            // the running subtask reports once, from memory; the keyed timer then finds nothing
            h.processWatermark1(new Watermark(99));
            assertThat(updates(h)).hasSize(1);
        }
        try (var restored = harness(settings(1000, 100, 1, 100))) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processWatermark1(new Watermark(99));
            assertThat(updates(restored)).extracting(LocalUpdate::source, LocalUpdate::samples)
                    .containsExactly(tuple("a", 1L));
        }
    }
}
