package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.fedflink.config.JobSpec.StateLayout;
import org.fedflink.data.Example;
import org.fedflink.federation.LocalDp;
import org.fedflink.federation.LocalStep;
import org.fedflink.federation.Scaffold;
import org.fedflink.federation.ShardLayout;
import org.fedflink.model.LearningRate;
import org.fedflink.model.LocalOptimizer;
import org.fedflink.model.LocalOptimizers;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;

/**
 * The sparse state layout trains exactly as the dense one: the same scenario (many sources, a
 * small cache, newer global versions arriving between examples, a checkpoint and a restore, the
 * end of input) run through both layouts gives the same updates, the sparse ones carrying only
 * the coordinates their sources touched.
 */
class LocalTrainerSparseStateTest {

    private static final int FEATURES = 40;

    private static TrainerSettings.Builder builder(ModelSpec spec, LocalOptimizer optimizer, int shards,
            StateLayout layout) {
        return TrainerSettings.builder(spec, optimizer)
                .localExamples(5)
                .layout(new ShardLayout(spec.numParams(), shards))
                .cacheSize(2)
                .stateLayout(layout);
    }

    private static TrainerSettings settings(ModelSpec spec, LocalOptimizer optimizer, int shards, StateLayout layout) {
        return builder(spec, optimizer, shards, layout).build();
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Example, GlobalModel, LocalUpdate> harness(
            TrainerSettings settings, boolean rocksDb) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new LocalTrainer(settings), Example::source, null, Types.STRING);
        if (rocksDb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        return h;
    }

    /** One step of the scenario: an example, or a new global version of every shard. */
    private record Event(Example example, long version, float[] params) {}

    private static List<Event> scenario(ModelSpec spec, long seed) {
        Random random = new Random(seed);
        List<Event> events = new ArrayList<>();
        long version = 0;
        for (int i = 0; i < 400; i++) {
            if (i % 37 == 36) {
                float[] params = new float[spec.numParams()];
                for (int p = 0; p < params.length; p++) {
                    params[p] = (float) random.nextGaussian() * 0.2f;
                }
                events.add(new Event(null, ++version, params));
                continue;
            }
            int[] indices = random.ints(0, FEATURES).distinct().limit(1 + random.nextInt(6)).sorted().toArray();
            float[] values = new float[indices.length];
            for (int j = 0; j < values.length; j++) {
                values[j] = random.nextFloat();
            }
            String source = "s" + random.nextInt(6);
            events.add(new Event(new Example(source, i, random.nextInt(spec.outputs() == 1 ? 2 : spec.outputs()),
                    indices, values), 0, null));
        }
        return events;
    }

    /** Every update the trainer sends over the scenario, with a checkpoint and a restore half way. */
    private static List<LocalUpdate> run(TrainerSettings settings, List<Event> events) throws Exception {
        return run(settings, events, true);
    }

    private static List<LocalUpdate> run(TrainerSettings settings, List<Event> events, boolean rocksDb)
            throws Exception {
        List<LocalUpdate> out = new ArrayList<>();
        OperatorSubtaskState snapshot;
        int half = events.size() / 2;
        try (var h = harness(settings, rocksDb)) {
            h.open();
            feed(h, settings, events.subList(0, half));
            // as a task does before the barrier (the harness's snapshot alone would not write the cache back)
            h.prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1);
            out.addAll(h.extractOutputValues());
        }
        try (var h = harness(settings, rocksDb)) {
            h.initializeState(snapshot);
            h.open();
            feed(h, settings, events.subList(half, events.size()));
            h.endInput1();
            out.addAll(h.extractOutputValues());
        }
        return out;
    }

    private static void feed(KeyedTwoInputStreamOperatorTestHarness<String, Example, GlobalModel, LocalUpdate> h,
            TrainerSettings settings, List<Event> events) throws Exception {
        ShardLayout layout = settings.layout();
        for (Event e : events) {
            if (e.example() != null) {
                h.processElement1(e.example(), 0);
                continue;
            }
            for (int shard = 0; shard < layout.shards(); shard++) {
                float[] piece = java.util.Arrays.copyOfRange(e.params(), layout.from(shard), layout.to(shard));
                h.processElement2(new GlobalModel(shard, layout.shards(), e.version(), piece, 0, 0, e.version(), 0, 0,
                        0, 0, 0, 0, 0, 0, 0, false), 0);
            }
        }
    }

    private static void assertSameUpdates(List<LocalUpdate> dense, List<LocalUpdate> sparse, ShardLayout layout) {
        assertThat(sparse).hasSameSizeAs(dense);
        for (int i = 0; i < dense.size(); i++) {
            LocalUpdate d = dense.get(i);
            LocalUpdate s = sparse.get(i);
            assertThat(s.endOfInput()).isEqualTo(d.endOfInput());
            assertThat(s.shard()).isEqualTo(d.shard());
            if (d.endOfInput()) {
                continue;
            }
            assertThat(s.source()).isEqualTo(d.source());
            assertThat(s.baseVersion()).as("update %d", i).isEqualTo(d.baseVersion());
            assertThat(s.samples()).isEqualTo(d.samples());
            assertThat(s.correct()).isEqualTo(d.correct());
            assertThat(s.lossSum()).isCloseTo(d.lossSum(), within(1e-4 * (1 + d.lossSum())));
            float[] expected = d.denseDelta(layout.length(d.shard()));
            float[] actual = s.denseDelta(layout.length(s.shard()));
            for (int p = 0; p < expected.length; p++) {
                assertThat(actual[p]).as("update %d, parameter %d", i, p).isCloseTo(expected[p], within(1e-5f));
            }
        }
    }

    @Test
    void sparseLayout_sendsTheDenseLayoutsUpdates_acrossShardsOptimizersAndARestore() throws Exception {
        List<ModelSpec> specs = List.of(new ModelSpec(ModelType.LOGISTIC, FEATURES, 2, 0.01),
                new ModelSpec(ModelType.SOFTMAX, FEATURES, 3, 0.0));
        List<LocalOptimizer> optimizers = List.of(LocalOptimizers.sgd(LearningRate.constant(0.3)),
                LocalOptimizers.adagrad(LearningRate.constant(0.1), 1e-6), LocalOptimizers.ftrl(0.3, 1.0, 0.01, 0.1));
        for (ModelSpec spec : specs) {
            for (LocalOptimizer optimizer : optimizers) {
                for (int shards : new int[] {1, 3}) {
                    List<Event> events = scenario(spec, 7);
                    List<LocalUpdate> dense = run(settings(spec, optimizer, shards, StateLayout.DENSE), events);
                    List<LocalUpdate> sparse = run(settings(spec, optimizer, shards, StateLayout.SPARSE), events);

                    assertSameUpdates(dense, sparse, new ShardLayout(spec.numParams(), shards));
                    List<LocalUpdate> pieces = sparse.stream().filter(u -> !u.endOfInput()).toList();
                    assertThat(pieces).isNotEmpty().allMatch(LocalUpdate::sparse);
                    // a report covers at most 5 examples of at most 6 features each, plus the biases
                    int most = spec.outputs() * (5 * 6 + 1);
                    assertThat(pieces).allMatch(u -> u.delta().length <= most);
                }
            }
        }
    }

    /**
     * The heap backend keeps the state objects themselves: the live maps are what it snapshots.
     * (Compared with the dense layout on the same backend: the end of input visits the sources
     * in the backend's key order.)
     */
    @Test
    void sparseLayout_onTheHeapBackend_sendsTheDenseLayoutsUpdates() throws Exception {
        ModelSpec spec = new ModelSpec(ModelType.SOFTMAX, FEATURES, 3, 0.01);
        LocalOptimizer sgd = LocalOptimizers.sgd(LearningRate.constant(0.3));
        List<Event> events = scenario(spec, 5);
        List<LocalUpdate> dense = run(settings(spec, sgd, 2, StateLayout.DENSE), events, false);
        List<LocalUpdate> sparse = run(settings(spec, sgd, 2, StateLayout.SPARSE), events, false);

        assertSameUpdates(dense, sparse, new ShardLayout(spec.numParams(), 2));
    }

    @Test
    void sparseLayoutWithLocalDp_sendsDenseNoisedUpdatesAsTheDenseLayout() throws Exception {
        ModelSpec spec = new ModelSpec(ModelType.LOGISTIC, FEATURES, 2, 0.0);
        LocalOptimizer sgd = LocalOptimizers.sgd(LearningRate.constant(0.3));
        LocalDp dp = LocalDp.withNoiseMultiplier(0.5, 0.1);
        List<Event> events = scenario(spec, 11);
        List<LocalUpdate> dense = run(builder(spec, sgd, 2, StateLayout.DENSE).localDp(dp).build(), events);
        List<LocalUpdate> sparse = run(builder(spec, sgd, 2, StateLayout.SPARSE).localDp(dp).build(), events);

        assertSameUpdates(dense, sparse, new ShardLayout(spec.numParams(), 2));
        assertThat(sparse.stream().filter(u -> !u.endOfInput())).isNotEmpty().noneMatch(LocalUpdate::sparse);
    }

    @Test
    void autoLayout_isSparseOnlyForLargeLinearModelsWithPlainSteps() {
        LocalOptimizer sgd = LocalOptimizers.sgd(LearningRate.constant(0.1));
        ModelSpec large = new ModelSpec(ModelType.LOGISTIC, 1 << 20, 2, 0.0);
        ModelSpec small = new ModelSpec(ModelType.SOFTMAX, 784, 10, 0.0);
        assertThat(settings(large, sgd, 1, StateLayout.AUTO).sparseState()).isTrue();
        assertThat(settings(small, sgd, 1, StateLayout.AUTO).sparseState()).isFalse();
        assertThat(settings(large, sgd, 1, StateLayout.DENSE).sparseState()).isFalse();
        assertThat(builder(large, sgd, 1, StateLayout.AUTO).localStep(new LocalStep.Proximal(0.1)).build()
                .sparseState()).isFalse();
        assertThatThrownBy(() -> builder(large, sgd, 1, StateLayout.SPARSE).localStep(new Scaffold.ControlledSteps())
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain local steps");
    }
}
