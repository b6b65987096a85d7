package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.apache.flink.util.InstantiationUtil;
import org.fedflink.config.JobSpec;
import org.fedflink.drift.DriftSettings;
import org.fedflink.federation.Attacks;
import org.fedflink.federation.LocalDp;
import org.fedflink.federation.LocalLearner;
import org.fedflink.federation.LocalStep;
import org.fedflink.federation.Participation;
import org.fedflink.federation.Scaffold;
import org.fedflink.federation.ShardLayout;
import org.fedflink.federation.SourceModel;
import org.fedflink.model.HeapBytes;
import org.fedflink.model.LearningRate;
import org.fedflink.model.LocalOptimizer;
import org.fedflink.model.LocalOptimizers;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainerSettingsTest {

    private static final long MB64 = 64L << 20;
    private static final LocalOptimizer SGD = LocalOptimizers.sgd(LearningRate.constant(0.1));

    @Test
    void cacheEntries_fitTheBudgetToTheModelsSize() {
        ModelSpec small = new ModelSpec(ModelType.LOGISTIC, 32, 2, 0);
        ModelSpec softmax = new ModelSpec(ModelType.SOFTMAX, 784, 10, 0);
        // (2 x 33 floats + 520 bytes) per source
        assertThat(TrainerSettings.cacheEntries(small, SGD, LocalStep.plain(), false, MB64))
                .isEqualTo((int) (MB64 / (66 * 4 + 520)));
        // and 600 bytes more with a drift detector of its own
        assertThat(TrainerSettings.cacheEntries(small, SGD, LocalStep.plain(), false, true, MB64))
                .isEqualTo((int) (MB64 / (66 * 4 + 520 + 600)));
        // (2 x 7,850 floats + 520 bytes): about a thousand
        assertThat(TrainerSettings.cacheEntries(softmax, SGD, LocalStep.plain(), false, MB64))
                .isEqualTo((int) (MB64 / (15_700 * 4 + 520)));
        // Adagrad's state and SCAFFOLD's control variate are a model each more
        LocalOptimizer adagrad = LocalOptimizers.adagrad(LearningRate.constant(0.1), 1e-6);
        assertThat(TrainerSettings.cacheEntries(softmax, adagrad, new Scaffold.ControlledSteps(), false, MB64))
                .isEqualTo((int) (MB64 / (31_400 * 4 + 520)));
        // FTRL's state is two models
        assertThat(TrainerSettings.cacheEntries(softmax, LocalOptimizers.ftrl(0.1, 1, 0, 0),
                LocalStep.plain(), false, MB64))
                .isEqualTo((int) (MB64 / (31_400 * 4 + 520)));
        assertThat(TrainerSettings.cacheEntries(softmax, SGD, LocalStep.plain(), true, MB64))
                .isEqualTo(4096);
    }

    /**
     * What the budget assumes a cached source takes, and what the source cache counts for each,
     * against what cached sources do take on the heap (measured after full collections): a small
     * model, where the per-source overhead is most of it, each source with its drift detector after
     * a few reports' examples (as when sources are many) or after many (its window grown).
     */
    @ParameterizedTest
    @ValueSource(ints = {40, 400})
    void sourceBytes_andTheCachesCount_matchTheHeapCachedSourcesTake(int examplesEach) {
        ModelSpec small = new ModelSpec(ModelType.LOGISTIC, 32, 2, 0);
        LocalLearner learner = new LocalLearner(small, SGD, 0, new ShardLayout(small.numParams(), 1), false,
                LocalStep.plain(), true, new DriftSettings(DriftSettings.adwin(0.002), true, true));
        Random random = new Random(3);
        float[] x = new float[32];
        Map<String, SourceModel> cache = new LinkedHashMap<>(16, 0.75f, true);
        // the heap grows by a batch at a time; the median of the batches' growth is robust to memory
        // that something else in this JVM takes or frees meanwhile (a test's leftover threads)
        int batches = 5;
        int batch = 5_000;
        long[] grown = new long[batches];
        long heap = usedHeapAfterGc();
        for (int b = 0; b < batches; b++) {
            for (int n = 0; n < batch; n++) {
                SourceModel source = learner.fresh();
                for (int i = 0; i < examplesEach; i++) {
                    for (int j = 0; j < x.length; j++) {
                        x[j] = (float) random.nextGaussian();
                    }
                    learner.driftDetected(source, learner.learn(source, null, x, x[0] > 0 ? 1 : 0));
                    if (i % 5 == 4) {
                        learner.takeProgress(source, true);
                        LocalLearner.reported(source);
                    }
                }
                cache.put(new String(("source-" + cache.size()).toCharArray()), source);
            }
            long now = usedHeapAfterGc();
            grown[b] = (now - heap) / batch;
            heap = now;
        }
        long measured = Arrays.stream(grown).sorted().toArray()[batches / 2];
        long counted = 0;
        for (Map.Entry<String, SourceModel> e : cache.entrySet()) {
            counted += e.getValue().heapBytes() + SourceCache.ENTRY_BYTES + HeapBytes.of(e.getKey());
        }
        counted /= cache.size();
        long estimated = TrainerSettings.sourceBytes(small, SGD, LocalStep.plain(), false, true);
        System.out.printf("a cached source after %d examples: %d bytes measured (per batch %s), %d counted, "
                + "%d estimated%n", examplesEach, measured, Arrays.toString(grown), counted, estimated);
        assertThat(counted).isBetween(measured * 9 / 10, measured * 11 / 10);
        if (examplesEach <= 40) {
            assertThat(estimated).isGreaterThanOrEqualTo(measured).isLessThan(measured * 3 / 2);
        }
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    @Test
    void cacheEntries_stayBetweenAHundredAndAMillion() {
        ModelSpec huge = new ModelSpec(ModelType.SOFTMAX, 1 << 20, 10, 0);
        ModelSpec tiny = new ModelSpec(ModelType.LINEAR, 1, 0, 0);
        assertThat(TrainerSettings.cacheEntries(huge, SGD, LocalStep.plain(), false, MB64)).isEqualTo(100);
        assertThat(TrainerSettings.cacheEntries(tiny, SGD, LocalStep.plain(), false, 1L << 40))
                .isEqualTo(1_000_000);
    }

    private static final ModelSpec MODEL = new ModelSpec(ModelType.LOGISTIC, 4, 2, 0);

    @Test
    void builder_defaultsToHonestPlainSourcesWithNothingOptionalOn() {
        TrainerSettings settings = TrainerSettings.builder(MODEL, SGD).localExamples(5).cacheSize(10).build();

        assertThat(settings.attack()).isEmpty();
        assertThat(settings.localDp()).isEmpty();
        assertThat(settings.localStep()).isEqualTo(LocalStep.plain());
        assertThat(settings.participation()).isEqualTo(Participation.everyone());
        assertThat(settings.stateLayout()).isEqualTo(JobSpec.StateLayout.AUTO);
        assertThat(settings.drift()).isEqualTo(DriftSettings.none());
        assertThat(settings.layout()).isEqualTo(new ShardLayout(MODEL.numParams(), 1));
        assertThat(settings.eventTimeMillis()).isZero();
        assertThat(settings.adoptGlobal()).isTrue();
        assertThat(settings.emitPredictions()).isFalse();
    }

    @Test
    void build_withoutTheValuesThatHaveNoDefault_fails() {
        assertThatThrownBy(() -> TrainerSettings.builder(MODEL, SGD).cacheSize(10).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("localExamples must be at least 1, got 0");
        assertThatThrownBy(() -> TrainerSettings.builder(MODEL, SGD).localExamples(5).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cacheSize must be at least 1, got 0");
        assertThatThrownBy(() -> TrainerSettings.builder(MODEL, SGD).attack(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("attack is required, got null");
    }

    /** The settings go to the operators with the job graph, by Java serialization, optional parts and all. */
    @Test
    void serialization_andToBuilder_keepEverySetting() throws Exception {
        SimulatedAttack attack = new SimulatedAttack(Attacks.byzantine(0.5, 3), Attacks.signFlip(), null, 3);
        LocalDp localDp = LocalDp.withNoiseMultiplier(1.0, 0.1);
        TrainerSettings settings = TrainerSettings.builder(MODEL, SGD)
                .localExamples(5)
                .eventTimeMillis(1000)
                .layout(new ShardLayout(MODEL.numParams(), 2))
                .cacheSize(10)
                .adoptGlobal(false)
                .initSeed(9)
                .emitPredictions(true)
                .attack(attack)
                .localStep(new LocalStep.Proximal(0.1))
                .participation(new Participation(0.5, 9))
                .localDp(localDp)
                .stateLayout(JobSpec.StateLayout.DENSE)
                .drift(new DriftSettings(DriftSettings.adwin(0.002), true, false))
                .build();

        for (TrainerSettings copy : new TrainerSettings[] {InstantiationUtil.clone(settings),
                settings.toBuilder().build()}) {
            assertThat(copy).usingRecursiveComparison().isEqualTo(settings);
            assertThat(copy.attack()).contains(attack);
            assertThat(copy.localDp()).contains(localDp);
        }
        assertThat(settings.toBuilder().drift(DriftSettings.none()).build().drift()).isEqualTo(DriftSettings.none());
    }
}
