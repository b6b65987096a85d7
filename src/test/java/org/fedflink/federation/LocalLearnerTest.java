package org.fedflink.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import java.util.Random;
import org.fedflink.drift.DriftSettings;
import org.fedflink.model.LearningRate;
import org.fedflink.model.LocalOptimizers;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;

/** The client side of federated learning, without Flink: learn, adopt, report. */
class LocalLearnerTest {

    private static final ModelSpec SPEC = new ModelSpec(ModelType.LOGISTIC, 6, 2, 0.0);

    private static LocalLearner learner(boolean sparse, LocalStep step, int shards) {
        return new LocalLearner(SPEC, LocalOptimizers.sgd(LearningRate.constant(0.1)), 0,
                new ShardLayout(SPEC.numParams(), shards), sparse, step, true, DriftSettings.none());
    }

    private static void learnSome(LocalLearner learner, SourceModel s, Random random, int n) {
        for (int i = 0; i < n; i++) {
            float[] x = new float[6];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) random.nextGaussian();
            }
            learner.learn(s, null, x, x[0] + x[1] > 0 ? 1 : 0);
        }
    }

    private static float[] dense(LocalLearner learner, SourceModel s) {
        LocalLearner.Progress p = learner.takeProgress(s, true);
        LocalLearner.reported(s);
        return p.delta();
    }

    /**
     * Work done between a report and the arrival of the global version that contains it is
     * carried over by the rebase and reported exactly once: the reports add up to the walk of a
     * source that never reported.
     */
    @Test
    void progressBetweenAReportAndTheNextVersion_isReportedExactlyOnce() {
        for (boolean sparse : new boolean[] {false, true}) {
            LocalLearner learner = learner(sparse, LocalStep.plain(), 2);
            SourceModel s = learner.fresh();
            Random random = new Random(3);
            learnSome(learner, s, random, 5);
            float[] first = dense(learner, s);
            learnSome(learner, s, random, 3);
            // the server applies the first report: version 1 is the initial model plus it
            float[] version1 = first.clone();
            ShardLayout layout = new ShardLayout(SPEC.numParams(), 2);
            for (int shard = 0; shard < 2; shard++) {
                learner.adopt(shard, 1, 0, Arrays.copyOfRange(version1, layout.from(shard), layout.to(shard)), null);
            }
            learner.rebase(s);
            assertThat(s.baseVersion()).isEqualTo(1);
            float[] second = dense(learner, s);
            // the server took the first report whole, so the walk is that of a source that never reported
            LocalLearner alone = learner(sparse, LocalStep.plain(), 2);
            SourceModel unreported = alone.fresh();
            learnSome(alone, unreported, new Random(3), 8);
            float[] walk = dense(alone, unreported);
            for (int j = 0; j < walk.length; j++) {
                assertThat(first[j] + second[j]).as("sparse=%s, coordinate %d", sparse, j)
                        .isCloseTo(walk[j], offset(1e-6f));
            }
            assertThat(s.samples).isZero();
        }
    }

    /**
     * A version given as the coordinates it changed moves sources exactly as the whole version
     * would, dense or sparse, on every shard; changes from a version not held are refused.
     */
    @Test
    void adoptChanges_movesSourcesAsTheWholeVersion() {
        ShardLayout layout = new ShardLayout(SPEC.numParams(), 2);
        for (boolean sparse : new boolean[] {false, true}) {
            LocalLearner whole = learner(sparse, LocalStep.plain(), 2);
            LocalLearner changes = learner(sparse, LocalStep.plain(), 2);
            SourceModel a = whole.fresh();
            SourceModel b = changes.fresh();
            learnSome(whole, a, new Random(4), 6);
            learnSome(changes, b, new Random(4), 6);
            Random random = new Random(8);
            float[] version = new float[SPEC.numParams()];
            for (long v = 1; v <= 3; v++) {
                int changed = random.nextInt(SPEC.numParams());
                version[changed] += (float) random.nextGaussian();
                for (int shard = 0; shard < 2; shard++) {
                    int from = layout.from(shard);
                    whole.adopt(shard, v, 0, Arrays.copyOfRange(version, from, layout.to(shard)), null);
                    boolean inShard = changed >= from && changed < layout.to(shard);
                    int[] indices = inShard ? new int[] {changed - from} : new int[0];
                    float[] values = inShard ? new float[] {version[changed]} : new float[0];
                    // the first version comes whole, as an aggregator's first of an attempt
                    boolean adopted = v == 1
                            ? changes.adopt(shard, v, 0, Arrays.copyOfRange(version, from, layout.to(shard)), null)
                            : changes.adoptChanges(shard, v, v - 1, 0, indices, values, null);
                    assertThat(adopted).isTrue();
                    assertThat(changes.globalShard(shard)).containsExactly(whole.globalShard(shard));
                }
                whole.rebase(a);
                changes.rebase(b);
                learnSome(whole, a, new Random(v), 2);
                learnSome(changes, b, new Random(v), 2);
            }
            assertThat(changes.takeProgress(b, true).delta()).as("sparse=%s", sparse)
                    .containsExactly(whole.takeProgress(a, true).delta());
            assertThat(changes.adoptChanges(0, 3, 2, 0, new int[0], new float[0], null)).isFalse();
            assertThatThrownBy(() -> changes.adoptChanges(0, 5, 4, 0, new int[0], new float[0], null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("shard 0: version 5 came as its changes from 4, but the version held is 3");
        }
    }

    @Test
    void denseAndSparseSources_learnTheSameSteps() {
        LocalLearner dense = learner(false, LocalStep.plain(), 1);
        LocalLearner sparse = learner(true, LocalStep.plain(), 1);
        SourceModel a = dense.fresh();
        SourceModel b = sparse.fresh();
        learnSome(dense, a, new Random(9), 20);
        learnSome(sparse, b, new Random(9), 20);
        assertThat(sparse.takeProgress(b, false).pieces()).hasSize(1);
        assertThat(a.lossSum).isCloseTo(b.lossSum, offset(1e-9));
        assertThat(a.outcomes.size()).isEqualTo(20);
    }

    /** FedProx with {@code mu = 0} is FedAvg's plain step; FedSGD reports the mean of its steps at the global model. */
    @Test
    void strategiesShapeTheStepsAndTheReport() {
        LocalLearner plain = learner(false, LocalStep.plain(), 1);
        LocalLearner proximal = learner(false, new LocalStep.Proximal(0), 1);
        SourceModel a = plain.fresh();
        SourceModel b = proximal.fresh();
        learnSome(plain, a, new Random(5), 10);
        learnSome(proximal, b, new Random(5), 10);
        assertThat(b.params).containsExactly(a.params);

        LocalLearner gradient = learner(false, new LocalStep.Gradient(), 1);
        SourceModel g = gradient.fresh();
        float[] x = {1, 0, 0, 0, 0, 0};
        gradient.learn(g, null, x, 1);
        gradient.learn(g, null, x, 1);
        // at the (unmoved) global model both examples ask for the same step: the mean is one of them
        float[] twice = dense(gradient, g);
        SourceModel once = gradient.fresh();
        gradient.learn(once, null, x, 1);
        assertThat(twice).containsExactly(dense(gradient, once));
    }

    @Test
    void aSparseState_refusesStepsThatMoveEveryCoordinate() {
        assertThatThrownBy(() -> learner(true, new Scaffold.ControlledSteps(), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("controlled");
    }
}
