package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.fedflink.data.Example;
import org.fedflink.federation.LocalDp;
import org.fedflink.federation.LocalStep;
import org.fedflink.federation.Participation;
import org.fedflink.federation.Scaffold;
import org.fedflink.federation.ShardLayout;
import org.fedflink.model.LearningRate;
import org.fedflink.model.LocalOptimizers;
import org.fedflink.model.Model;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.fedflink.model.OnlineLearner;
import org.junit.jupiter.api.Test;

/**
 * The local sides of the strategies in {@link LocalTrainer}: FedSGD's summed gradient steps,
 * FedProx's pull, SCAFFOLD's control variates, client sampling and local DP, each checked against
 * the same arithmetic done by hand with an {@link OnlineLearner}.
 */
class LocalTrainerStrategiesTest {

    private static final ModelSpec SPEC = new ModelSpec(ModelType.LOGISTIC, 2, 2, 0.0);
    private static final double RATE = 0.1;
    private static final int K = 2;

    private static TrainerSettings.Builder settings(LocalStep step, int shards) {
        return TrainerSettings.builder(SPEC, LocalOptimizers.sgd(LearningRate.constant(RATE)))
                .localExamples(K)
                .layout(new ShardLayout(SPEC.numParams(), shards))
                .cacheSize(100)
                .initSeed(7)
                .localStep(step);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Example, GlobalModel, LocalUpdate> harness(
            TrainerSettings.Builder settings) throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(new LocalTrainer(settings.build()), Example::source, null,
                Types.STRING);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Example, GlobalModel, LocalUpdate> harness(
            LocalStep step) throws Exception {
        return harness(settings(step, 1));
    }

    private static OnlineLearner learner() {
        return new OnlineLearner(Model.of(SPEC), LocalOptimizers.sgd(LearningRate.constant(RATE)));
    }

    private static Example ex(String source, double x0, double x1, double y) {
        return new Example(source, 0, y, null, new float[] {(float) x0, (float) x1});
    }

    private static List<LocalUpdate> updates(KeyedTwoInputStreamOperatorTestHarness<String, Example, GlobalModel, LocalUpdate> h) {
        return h.extractOutputValues().stream().filter(u -> !u.endOfInput()).toList();
    }

    private static GlobalModel global(long version, float[] params, float[] control) {
        return new GlobalModel(0, 1, version, params, 0, 0, version, 0, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, 0,
                Double.NaN, Double.NaN, control, 0);
    }

    @Test
    void fedSgd_sendsTheMeanStepAtTheGlobalModel_whichNoLocalStepMoves() throws Exception {
        float[] g = {0.5f, -0.5f, 0.2f};
        Example a = ex("s", 1, 0, 0);
        Example b = ex("s", 0, 2, 1);
        try (var h = harness(new LocalStep.Gradient())) {
            h.open();
            h.processElement2(global(1, g, null), 0);
            h.processElement1(a, 0);
            h.processElement1(b, 0);

            float[] sum = new float[3];
            OnlineLearner learner = learner();
            learner.accumulateStep(g, 0, null, a.values(), 0, sum);
            learner.accumulateStep(g, 1, null, b.values(), 1, sum);
            LocalUpdate u = updates(h).get(0);
            assertThat(u.samples()).isEqualTo(2);
            assertThat(u.baseVersion()).isEqualTo(1);
            for (int i = 0; i < 3; i++) {
                assertThat(u.delta()[i]).isCloseTo(sum[i] / 2, within(1e-7f));
            }
            // both gradients were taken at g: a plain learner moving after the first example differs
            float[] moving = g.clone();
            learner.learn(moving, new float[0], 0, null, a.values(), 0);
            float[] second = new float[3];
            learner.accumulateStep(moving, 1, null, b.values(), 1, second);
            float[] first = new float[3];
            learner.accumulateStep(g, 0, null, a.values(), 0, first);
            assertThat(u.delta()[1]).isNotCloseTo((first[1] + second[1]) / 2, within(1e-7f));
        }
    }

    @Test
    void fedProx_pullsEachStepTowardsTheNewestGlobalModel() throws Exception {
        float[] g = {1f, 1f, 0f};
        Example a = ex("s", 1, 0, 0);
        Example b = ex("s", 0, 1, 1);
        double mu = 2.0;
        try (var h = harness(new LocalStep.Proximal(mu))) {
            h.open();
            h.processElement2(global(3, g, null), 0);
            h.processElement1(a, 0);
            h.processElement1(b, 0);

            OnlineLearner learner = learner();
            float[] w = g.clone();
            learner.learn(w, new float[0], 0, null, a.values(), 0);
            learner.proximalStep(w, g, 0, mu);
            learner.learn(w, new float[0], 1, null, b.values(), 1);
            learner.proximalStep(w, g, 1, mu);
            float[] withoutPull = g.clone();
            learner.learn(withoutPull, new float[0], 0, null, a.values(), 0);
            learner.learn(withoutPull, new float[0], 1, null, b.values(), 1);

            float[] delta = updates(h).get(0).delta();
            for (int i = 0; i < 3; i++) {
                assertThat(delta[i]).isCloseTo(w[i] - g[i], within(1e-6f));
                // the pull shrinks how far the source strays from the global model
                assertThat(Math.abs(delta[i])).isLessThanOrEqualTo(Math.abs(withoutPull[i] - g[i]) + 1e-6f);
            }
        }
    }

    /**
     * SCAFFOLD, option II: steps follow {@code gradient - c_i + c}; at a report
     * {@code deltaC = -c - delta / (K * lr)} and {@code c_i += deltaC}, which the next round's
     * steps use.
     */
    @Test
    void scaffold_correctsStepsByTheControlVariates_andSendsTheControlChange() throws Exception {
        float[] g = {0f, 0f, 0f};
        float[] c = {0.1f, -0.2f, 0.05f};
        Example[] xs = {ex("s", 1, 0, 1), ex("s", 0, 1, 0), ex("s", 1, 1, 1), ex("s", 2, 0, 0)};
        try (var h = harness(settings(new Scaffold.ControlledSteps(), 2))) {
            h.open();
            // two shards: parameter 0, and parameters 1 and 2
            h.processElement2(new GlobalModel(0, 2, 1, new float[] {0f}, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                    false, 0, 0, 0, Double.NaN, Double.NaN, new float[] {c[0]}, 0), 0);
            h.processElement2(new GlobalModel(1, 2, 1, new float[] {0f, 0f}, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                    false, 0, 0, 0, Double.NaN, Double.NaN, new float[] {c[1], c[2]}, 0), 0);
            for (Example e : xs) {
                h.processElement1(e, 0);
            }

            OnlineLearner learner = learner();
            float[] w = g.clone();
            float[] ci = new float[3];
            float[][] expectedDelta = new float[2][];
            float[][] expectedControl = new float[2][];
            for (int round = 0; round < 2; round++) {
                float[] start = w.clone();
                double rates = 0;
                for (int k = 0; k < K; k++) {
                    int t = round * K + k;
                    learner.learn(w, new float[0], t, null, xs[t].values(), xs[t].label());
                    rates += learner.controlStep(w, c, ci, t);
                }
                expectedDelta[round] = new float[3];
                expectedControl[round] = new float[3];
                for (int i = 0; i < 3; i++) {
                    expectedDelta[round][i] = w[i] - start[i];
                    expectedControl[round][i] = (float) (-c[i] - expectedDelta[round][i] / rates);
                    ci[i] += expectedControl[round][i];
                }
            }
            List<LocalUpdate> out = updates(h);
            assertThat(out).hasSize(4); // two reports of two shards
            for (int round = 0; round < 2; round++) {
                float[] delta = concat(out.get(2 * round).delta(), out.get(2 * round + 1).delta());
                float[] control = concat(out.get(2 * round).controlDelta(), out.get(2 * round + 1).controlDelta());
                for (int i = 0; i < 3; i++) {
                    assertThat(delta[i]).as("round %d delta %d", round, i)
                            .isCloseTo(expectedDelta[round][i], within(1e-6f));
                    assertThat(control[i]).as("round %d control %d", round, i)
                            .isCloseTo(expectedControl[round][i], within(1e-5f));
                }
            }
        }
    }

    @Test
    void otherStrategies_sendNoControlVariate() throws Exception {
        try (var h = harness(LocalStep.plain())) {
            h.open();
            h.processElement1(ex("s", 1, 0, 1), 0);
            h.processElement1(ex("s", 0, 1, 0), 0);
            assertThat(updates(h).get(0).controlDelta()).isNull();
        }
    }

    /**
     * With sampling, a source passed over keeps learning and sends everything at its next report
     * opportunity: the reports' samples add up to the examples, and their deltas to what the
     * source learned in all.
     */
    @Test
    void sampleFraction_skipsReportOpportunities_withoutLosingAnything() throws Exception {
        Participation half = new Participation(0.5, 11);
        int examples = 40;
        try (var h = harness(settings(LocalStep.plain(), 1).participation(half))) {
            h.open();
            float[] learned = new float[3];
            OnlineLearner learner = learner();
            for (int t = 0; t < examples; t++) {
                Example e = ex("s", t % 3, (t * 7) % 5 - 2, t % 2);
                h.processElement1(e, 0);
                learner.learn(learned, new float[0], t, null, e.values(), e.label());
            }
            h.endInput1();
            List<LocalUpdate> out = updates(h);
            long expectedReports = 0;
            for (long steps = K; steps < examples; steps += K) {
                expectedReports += half.takesPart("s", steps) ? 1 : 0;
            }
            // the opportunities taken, plus the flush at the end of the input if anything was left
            assertThat(out.size()).isBetween((int) expectedReports, (int) expectedReports + 1);
            assertThat(out.size()).isLessThan(examples / K);
            assertThat(out.stream().mapToLong(LocalUpdate::samples).sum()).isEqualTo(examples);
            float[] sum = new float[3];
            for (LocalUpdate u : out) {
                for (int i = 0; i < 3; i++) {
                    sum[i] += u.delta()[i];
                }
            }
            for (int i = 0; i < 3; i++) {
                assertThat(sum[i]).isCloseTo(learned[i], within(1e-5f));
            }
        }
    }

    @Test
    void localDp_clipsTheWholeUpdateAcrossShards_andAddsReproducibleNoise() throws Exception {
        // large steps, so the update is longer than the clipping norm
        Example a = ex("s", 30, 0, 1);
        Example b = ex("s", 0, 40, 1);
        try (var h = harness(settings(LocalStep.plain(), 2).localDp(LocalDp.withNoiseMultiplier(0.5, 0)))) {
            h.open();
            h.processElement1(a, 0);
            h.processElement1(b, 0);
            List<LocalUpdate> out = updates(h);
            float[] delta = concat(out.get(0).delta(), out.get(1).delta());
            assertThat(norm(delta)).isCloseTo(0.5, within(1e-5));
        }
        float[][] noisy = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (var h = harness(settings(LocalStep.plain(), 1).localDp(LocalDp.withNoiseMultiplier(0.5, 1.0)))) {
                h.open();
                h.processElement1(a, 0);
                h.processElement1(b, 0);
                noisy[run] = updates(h).get(0).delta();
            }
        }
        assertThat(noisy[0]).containsExactly(noisy[1]);
        assertThat(norm(noisy[0])).isNotCloseTo(0.5, within(1e-3));
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * (double) x;
        }
        return Math.sqrt(s);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] all = new float[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
