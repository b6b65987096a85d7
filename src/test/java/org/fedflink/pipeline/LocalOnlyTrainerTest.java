package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.fedflink.data.Example;
import org.fedflink.eval.LocalBaseline;
import org.fedflink.model.LearningRate;
import org.fedflink.model.LocalOptimizers;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;

/**
 * Operator tests of {@link LocalOnlyTrainer} against models worked out by hand: linear regression
 * y = w x + b from zero, plain SGD at a constant rate of 0.1 on the squared loss (y' - y)^2 / 2.
 *
 * <pre>
 * source a: (x=1, y=2):  y' = 0,    error -2    -> w = 0.2,  b = 0.2,  loss 2
 *           (x=2, y=4):  y' = 0.6,  error -3.4  -> w = 0.88, b = 0.54, loss 5.78
 * source b: (x=1, y=-1): y' = 0,    error 1     -> w = -0.1, b = -0.1, loss 0.5
 * holdout (x=3, y=6), (x=0, y=0):
 *   a predicts 3.18, 0.54:  errors -2.82, 0.54 -> RMSE sqrt((7.9524 + 0.2916) / 2) = 2.030271
 *   b predicts -0.4, -0.1:  errors -6.4, -0.1  -> RMSE sqrt((40.96 + 0.01) / 2)    = 4.526036
 * </pre>
 */
class LocalOnlyTrainerTest {

    private static final ModelSpec SPEC = new ModelSpec(ModelType.LINEAR, 1, 0, 0.0);

    private static Example ex(String source, double x, double y) {
        return new Example(source, 0, y, null, new float[] {(float) x});
    }

    private static TrainerSettings settings(int cacheSize) {
        return TrainerSettings.builder(SPEC, LocalOptimizers.sgd(LearningRate.constant(0.1)))
                .localExamples(Integer.MAX_VALUE)
                .cacheSize(cacheSize)
                .adoptGlobal(false)
                .build();
    }

    private static List<LocalBaseline.SourceResult> run(int cacheSize) throws Exception {
        List<Example> holdout = List.of(ex("h", 3, 6), ex("h", 0, 0));
        LocalOnlyTrainer trainer = new LocalOnlyTrainer(settings(cacheSize), () -> org.fedflink.eval.HoldoutSets.of(holdout));
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(trainer, Example::source, Types.STRING)) {
            h.open();
            h.processElement(ex("a", 1, 2), 0);
            h.processElement(ex("b", 1, -1), 0);
            h.processElement(ex("a", 2, 4), 0);
            h.endInput();
            return h.extractOutputValues().stream()
                    .sorted(Comparator.comparing(LocalBaseline.SourceResult::source)).toList();
        }
    }

    @Test
    void endInput_scoresEachSourcesOwnModel_asWorkedOutByHand() throws Exception {
        List<LocalBaseline.SourceResult> results = run(10);

        assertThat(results).extracting(LocalBaseline.SourceResult::source).containsExactly("a", "b");
        LocalBaseline.SourceResult a = results.get(0);
        LocalBaseline.SourceResult b = results.get(1);
        assertThat(a.examples()).isEqualTo(2);
        assertThat(a.lossSum()).isCloseTo(7.78, within(1e-5));
        assertThat(a.holdouts()[0].rmse()).isCloseTo(2.030271, within(1e-5));
        assertThat(a.holdouts()[0].mae()).isCloseTo((2.82 + 0.54) / 2, within(1e-5));
        assertThat(b.examples()).isEqualTo(1);
        assertThat(b.lossSum()).isCloseTo(0.5, within(1e-6));
        assertThat(b.holdouts()[0].rmse()).isCloseTo(4.526036, within(1e-5));

        LocalBaseline summary = LocalBaseline.of(results, List.of("holdout"));
        LocalBaseline.Spread rmse = summary.holdouts().get("holdout").get("rmse");
        assertThat(rmse.mean()).isCloseTo((2.030271 + 4.526036) / 2, within(1e-5));
        assertThat(rmse.min()).isCloseTo(2.030271, within(1e-5));
        // the worst 10 % of two sources is the worst one: the larger error
        assertThat(rmse.worstDecile()).isCloseTo(4.526036, within(1e-5));
        assertThat(summary.examples()).isEqualTo(3);
        assertThat(summary.prequentialLoss()).isCloseTo(8.28 / 3, within(1e-5));
    }

    @Test
    void endInput_sourcesEvictedToKeyedState_giveTheSameModels() throws Exception {
        // a cache of one source: every switch between a and b goes through keyed state
        List<LocalBaseline.SourceResult> cached = run(10);
        List<LocalBaseline.SourceResult> evicted = run(1);
        for (int i = 0; i < 2; i++) {
            assertThat(evicted.get(i).holdouts()[0]).isEqualTo(cached.get(i).holdouts()[0]);
            assertThat(evicted.get(i).lossSum()).isEqualTo(cached.get(i).lossSum());
        }
    }
}
