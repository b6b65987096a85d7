package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.fedflink.config.JobSpec;
import org.fedflink.data.Example;
import org.fedflink.drift.DriftSettings;
import org.fedflink.federation.SourceModel;
import org.fedflink.model.LearningRate;
import org.fedflink.model.LocalOptimizers;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Concept drift in {@link LocalTrainer}: a source whose errors jump restarts its optimizer and
 * schedule and reports a drift event, a source whose errors do not is left alone, a higher count of
 * federation drifts restarts every source, and all of it survives a snapshot and restore.
 */
class LocalTrainerDriftTest {

    private static final ModelSpec SPEC = new ModelSpec(ModelType.LOGISTIC, 2, 2, 0.0);
    /** Source a's label rule flips after this many of its examples. */
    private static final int FLIP = 600;
    private static final int PER_SOURCE = 1200;

    private static TrainerSettings settings(JobSpec.StateLayout layout, int cacheSize) {
        return TrainerSettings.builder(SPEC, LocalOptimizers.adagrad(LearningRate.inverseSqrt(0.5, 0.01), 1e-8))
                .localExamples(1_000_000)
                .cacheSize(cacheSize)
                .stateLayout(layout)
                .drift(new DriftSettings(DriftSettings.adwin(0.002), true, true))
                .build();
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Example, GlobalModel, LocalUpdate> harness(
            TrainerSettings settings) throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(new LocalTrainer(settings), Example::source, null,
                Types.STRING);
    }

    /**
     * Sources a and b alternately: label {@code x0 > 0}, except that a's flips to {@code x0 <= 0}
     * after {@link #FLIP} of its examples. An example's time is its index within its source.
     */
    private static List<Example> stream() {
        Random random = new Random(5);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < PER_SOURCE; i++) {
            for (String source : List.of("a", "b")) {
                float x0 = (float) random.nextGaussian();
                float x1 = (float) random.nextGaussian();
                boolean positive = x0 > 0;
                if (source.equals("a") && i >= FLIP) {
                    positive = !positive;
                }
                examples.add(new Example(source, i, positive ? 1 : 0, null, new float[] {x0, x1}));
            }
        }
        return examples;
    }

    private static List<DriftEvent> drifts(KeyedTwoInputStreamOperatorTestHarness<String, Example, GlobalModel, LocalUpdate> h) {
        var out = h.getSideOutput(DriftEvent.OUTPUT);
        return out == null ? List.of() : out.stream().map(StreamRecord::getValue).toList();
    }

    /** The source's state as the trainer holds it (the heap backend keeps the live object). */
    private static SourceModel state(KeyedTwoInputStreamOperatorTestHarness<String, Example, GlobalModel, LocalUpdate> h,
            String source) throws Exception {
        LocalTrainer trainer = (LocalTrainer) h.getOperator();
        trainer.prepareSnapshotPreBarrier(0); // writes the cached states back
        trainer.setCurrentKey(source);
        return trainer.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                StateDescriptors.sourceState()).value();
    }

    private static boolean optimizerStateIsFresh(SourceModel s) {
        if (s.sparseState != null) {
            return s.sparseState.isEmpty();
        }
        for (float v : s.optimizerState) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest
    @EnumSource(value = JobSpec.StateLayout.class, names = {"DENSE", "SPARSE"})
    void processElement1_sourceWhoseErrorsJump_restartsItsOptimizerAndSchedule_theOtherDoesNot(
            JobSpec.StateLayout layout) throws Exception {
        try (var h = harness(settings(layout, 100))) {
            h.open();
            DriftEvent first = null;
            for (Example e : stream()) {
                h.processElement1(e, e.timestamp());
                if (first == null && !drifts(h).isEmpty()) {
                    first = drifts(h).get(0);
                    SourceModel a = state(h, "a");
                    // right after the detecting example: a fresh optimizer, the schedule at its step 0
                    assertThat(optimizerStateIsFresh(a)).isTrue();
                    assertThat(a.drift.scheduleStart()).isEqualTo(a.steps).isEqualTo(first.time() + 1);
                    assertThat(a.steps).isEqualTo(first.time() + 1);
                    assertThat(optimizerStateIsFresh(state(h, "b"))).isFalse();
                }
            }
            System.out.printf("LocalTrainerDriftTest (%s): source drifts %s (a's rule flips at its example %d)%n",
                    layout, drifts(h), FLIP);
            assertThat(first).isNotNull();
            assertThat(first.source()).isEqualTo("a");
            assertThat(first.detector()).isEqualTo("adwin");
            assertThat(first.statistic()).isPositive();
            assertThat(first.version()).isZero();
            // after the flip, and soon: ADWIN checks its window every 32 examples
            assertThat(first.time()).isGreaterThanOrEqualTo(FLIP).isLessThan(FLIP + 200);
            assertThat(drifts(h)).extracting(DriftEvent::source).containsOnly("a");
            SourceModel b = state(h, "b");
            assertThat(b.drift.scheduleStart()).isZero();
            assertThat(b.steps).isEqualTo(PER_SOURCE);
            assertThat(optimizerStateIsFresh(b)).isFalse();
            // steps keep counting through the restart: 1200 examples, 1200 steps
            assertThat(state(h, "a").steps).isEqualTo(PER_SOURCE);
        }
    }

    @Test
    void snapshot_restoredIntoFreshHarness_keepsEachSourcesDetector() throws Exception {
        List<Example> examples = stream();
        // a's example 580: before its flip, the detector has a window of the old concept to compare with
        int cut = 2 * 580;
        OperatorSubtaskState snapshot;
        List<DriftEvent> uninterrupted;
        try (var h = harness(settings(JobSpec.StateLayout.DENSE, 1))) { // a cache of 1: states go through RocksDB
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.open();
            for (Example e : examples.subList(0, cut)) {
                h.processElement1(e, e.timestamp());
            }
            h.prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1);
            for (Example e : examples.subList(cut, examples.size())) {
                h.processElement1(e, e.timestamp());
            }
            uninterrupted = drifts(h);
        }
        try (var restored = harness(settings(JobSpec.StateLayout.DENSE, 1))) {
            restored.setStateBackend(new EmbeddedRocksDBStateBackend());
            restored.initializeState(snapshot);
            restored.open();
            for (Example e : examples.subList(cut, examples.size())) {
                restored.processElement1(e, e.timestamp());
            }
            assertThat(uninterrupted).isNotEmpty();
            // the same detections at the same examples with the same figures: the detector came back whole
            assertThat(drifts(restored)).isEqualTo(uninterrupted);
            LocalTrainer trainer = (LocalTrainer) restored.getOperator();
            trainer.prepareSnapshotPreBarrier(2);
            trainer.setCurrentKey("a");
            SourceModel a = trainer.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    StateDescriptors.sourceState()).value();
            // RocksDB hands back a copy, read in format 3
            assertThat(a.scheduleStart).isEqualTo(uninterrupted.get(uninterrupted.size() - 1).time() + 1);
            assertThat(a.driftDetector).isNotNull();
        }
    }

    @Test
    void processElement2_higherCountOfFederationDrifts_restartsEverySourceOnce() throws Exception {
        try (var h = harness(settings(JobSpec.StateLayout.DENSE, 100))) {
            h.open();
            List<Example> examples = stream().subList(0, 200); // before a's flip: no drift of its own
            for (Example e : examples) {
                h.processElement1(e, e.timestamp());
            }
            assertThat(drifts(h)).isEmpty();
            assertThat(optimizerStateIsFresh(state(h, "a"))).isFalse();
            h.processElement2(new GlobalModel(0, 1, 1, new float[3], 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0,
                    0, Double.NaN, Double.NaN, null, 1), 0);
            // at the end of the input every source adopts version 1 (and reports): nothing learnt since
            h.endInput1();
            for (String source : List.of("a", "b")) {
                SourceModel s = state(h, source);
                assertThat(optimizerStateIsFresh(s)).as(source).isTrue();
                assertThat(s.drift.federationDrifts()).as(source).isEqualTo(1);
                assertThat(s.drift.scheduleStart()).as(source).isEqualTo(s.steps).isEqualTo(100);
            }
            // a server's drift is not a source's: no drift event from the trainer
            assertThat(drifts(h)).isEmpty();
        }
    }

    @Test
    void processElement1_withoutDriftSettings_neverRestarts() throws Exception {
        TrainerSettings none = settings(JobSpec.StateLayout.DENSE, 100).toBuilder()
                .drift(DriftSettings.none())
                .build();
        try (var h = harness(none)) {
            h.open();
            for (Example e : stream()) {
                h.processElement1(e, e.timestamp());
            }
            assertThat(drifts(h)).isEmpty();
            SourceModel a = state(h, "a");
            assertThat(a.drift.scheduleStart()).isZero();
            assertThat(a.drift.detects()).isFalse();
            assertThat(optimizerStateIsFresh(a)).isFalse();
        }
    }
}
