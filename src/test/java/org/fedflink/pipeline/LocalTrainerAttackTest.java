package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.data.Example;
import org.fedflink.federation.Attacks;
import org.fedflink.federation.ShardLayout;
import org.fedflink.model.LearningRate;
import org.fedflink.model.LocalOptimizers;
import org.fedflink.model.Model;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.fedflink.model.OnlineLearner;
import org.junit.jupiter.api.Test;

/** The simulated attack in {@link LocalTrainer}: Byzantine sources corrupt what they send, honest ones do not. */
class LocalTrainerAttackTest {

    private static final ModelSpec SPEC = new ModelSpec(ModelType.LOGISTIC, 2, 2, 0.0);
    private static final double RATE = 0.1;

    private static KeyedTwoInputStreamOperatorTestHarness<String, Example, GlobalModel, LocalUpdate> harness(
            SimulatedAttack attack, int shards) throws Exception {
        TrainerSettings settings = TrainerSettings.builder(SPEC, LocalOptimizers.sgd(LearningRate.constant(RATE)))
                .localExamples(2)
                .layout(new ShardLayout(SPEC.numParams(), shards))
                .cacheSize(100)
                .attack(attack)
                .build();
        return new KeyedTwoInputStreamOperatorTestHarness<>(new LocalTrainer(settings), Example::source, null,
                Types.STRING);
    }

    private static SimulatedAttack attack(double fraction, String type, String... more) throws Exception {
        return attackOf(fraction, type, more).orElseThrow();
    }

    /** The attack of a job spec with these {@code attack} settings, if it has one. */
    private static Optional<SimulatedAttack> attackOf(double fraction, String type, String... more) throws Exception {
        List<String> overrides = new java.util.ArrayList<>(List.of("attack.fraction=" + fraction, "attack.type=" + type,
                "model.type=logistic", "model.features=2", "model.classes=2"));
        overrides.addAll(List.of(more));
        JobSpec spec = JobSpecLoader.parse("job: t\nmodel:\n  type: logistic\n  features: 2\n", overrides);
        return SimulatedAttack.of(spec);
    }

    private static Example ex(String source, double x0, double x1, double y) {
        return new Example(source, 0, y, null, new float[] {(float) x0, (float) x1});
    }

    private static float[] trainPlain(float[] start, double[] labels, Example... examples) {
        OnlineLearner learner = new OnlineLearner(Model.of(SPEC), LocalOptimizers.sgd(LearningRate.constant(RATE)));
        float[] params = start.clone();
        float[] state = learner.initialState();
        for (int i = 0; i < examples.length; i++) {
            learner.learn(params, state, i, examples[i].indices(), examples[i].values(), labels[i]);
        }
        return params;
    }

    private static float[] concat(List<LocalUpdate> pieces) {
        int n = pieces.stream().mapToInt(u -> u.delta().length).sum();
        float[] all = new float[n];
        int at = 0;
        for (LocalUpdate u : pieces) {
            System.arraycopy(u.delta(), 0, all, at, u.delta().length);
            at += u.delta().length;
        }
        return all;
    }

    private static List<LocalUpdate> updates(KeyedTwoInputStreamOperatorTestHarness<String, Example, GlobalModel, LocalUpdate> h) {
        return h.extractOutputValues().stream().filter(u -> !u.endOfInput()).toList();
    }

    @Test
    void of_noFraction_isNoAttack() throws Exception {
        assertThat(attackOf(0, "signflip")).isEmpty();
    }

    @Test
    void signFlip_byzantineSourceSendsTheOppositeButKeepsLearningHonestly() throws Exception {
        Example[] xs = {ex("a", 1, 0, 1), ex("a", 0, 1, 0), ex("a", 1, 1, 1), ex("a", 2, 0, 0)};
        try (var h = harness(attack(1.0, "signflip"), 2)) {
            h.open();
            for (Example e : xs) {
                h.processElement1(e, 0);
            }
            List<LocalUpdate> out = updates(h);
            assertThat(out).hasSize(4); // two updates of two shards each
            float[] honestFirst = trainPlain(new float[3], new double[] {1, 0}, xs[0], xs[1]);
            float[] honestBoth = trainPlain(new float[3], new double[] {1, 0, 1, 0}, xs);
            float[] first = concat(out.subList(0, 2));
            float[] second = concat(out.subList(2, 4));
            for (int i = 0; i < 3; i++) {
                assertThat(first[i]).isEqualTo(-honestFirst[i]);
                // the second delta starts from the honest parameters, not from the flipped ones
                assertThat(second[i]).isEqualTo(-(honestBoth[i] - honestFirst[i]));
            }
        }
    }

    @Test
    void scale_multipliesTheUpdateOfByzantineSourcesOnly() throws Exception {
        SimulatedAttack attack = attack(0.5, "scale", "attack.scale=-10");
        String byzantine = null;
        String honest = null;
        for (int i = 0; byzantine == null || honest == null; i++) {
            String name = "source-" + i;
            if (Attacks.byzantine(0.5, 42).isByzantine(name)) {
                byzantine = byzantine == null ? name : byzantine;
            } else {
                honest = honest == null ? name : honest;
            }
        }
        try (var h = harness(attack, 1)) {
            h.open();
            for (String source : List.of(byzantine, honest)) {
                h.processElement1(ex(source, 1, 0, 1), 0);
                h.processElement1(ex(source, 0, 1, 0), 0);
            }
            List<LocalUpdate> out = updates(h);
            float[] plain = trainPlain(new float[3], new double[] {1, 0}, ex("x", 1, 0, 1), ex("x", 0, 1, 0));
            for (int i = 0; i < 3; i++) {
                assertThat(out.get(0).delta()[i]).isEqualTo((float) (-10.0 * plain[i]));
                assertThat(out.get(1).delta()[i]).isEqualTo(plain[i]);
            }
        }
    }

    @Test
    void labelFlip_byzantineSourceLearnsFromFlippedLabels() throws Exception {
        Example[] xs = {ex("a", 1, 0, 1), ex("a", 0, 1, 0)};
        try (var h = harness(attack(1.0, "labelflip"), 1)) {
            h.open();
            for (Example e : xs) {
                h.processElement1(e, 0);
            }
            float[] flipped = trainPlain(new float[3], new double[] {0, 1}, xs);
            assertThat(updates(h).get(0).delta()).containsExactly(flipped);
        }
    }

    @Test
    void noise_isReproducibleAcrossRuns() throws Exception {
        float[][] deltas = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (var h = harness(attack(1.0, "noise", "attack.noiseStddev=3"), 1)) {
                h.open();
                h.processElement1(ex("a", 1, 0, 1), 0);
                h.processElement1(ex("a", 0, 1, 0), 0);
                deltas[run] = updates(h).get(0).delta();
            }
        }
        assertThat(deltas[0]).containsExactly(deltas[1]);
        float[] plain = trainPlain(new float[3], new double[] {1, 0}, ex("a", 1, 0, 1), ex("a", 0, 1, 0));
        assertThat(deltas[0]).isNotEqualTo(plain);
    }
}
