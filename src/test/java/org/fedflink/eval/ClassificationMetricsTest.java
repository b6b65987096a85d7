package org.fedflink.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

    /**
     * Four classes, class 3 never occurs. (true, predicted) pairs and the confusion matrix (rows =
     * true class):
     *
     * <pre>
     *   (0,0) (0,0) (0,1)              0: [2 1 0 0]
     *   (1,1) (1,1) (1,1) (1,2)        1: [0 3 1 0]
     *   (2,0) (2,2) (2,2)              2: [1 0 2 0]
     *                                  3: [0 0 0 0]
     * </pre>
     *
     * accuracy = (2 + 3 + 2) / 10 = 0.7; F1_0 = 2*2 / (2*2 + fp 1 + fn 1) = 2/3; F1_1 = 6 / (6 + 1 +
     * 1) = 3/4; F1_2 = 4 / (4 + 1 + 1) = 2/3; class 3 has tp + fp + fn = 0 and is left out, so
     * macro-F1 = (2/3 + 3/4 + 2/3) / 3 = 25/36 (scikit-learn with labels=range(4) and
     * zero_division=0 would give 25/48).
     */
    private static ClassificationMetrics worked() {
        int[][] pairs = {{0, 0}, {0, 0}, {0, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 2}, {2, 0}, {2, 2}, {2, 2}};
        ClassificationMetrics m = new ClassificationMetrics(4);
        for (int i = 0; i < pairs.length; i++) {
            m.add(pairs[i][0], pairs[i][1], Double.NaN, 0.1 * (i + 1));
        }
        return m;
    }

    @Test
    void workedExample_threeClassesPresent_matchesHandComputedValues() {
        ClassificationMetrics m = worked();
        assertThat(m.examples()).isEqualTo(10);
        assertThat(m.accuracy()).isCloseTo(0.7, within(1e-12));
        // losses 0.1 + 0.2 + ... + 1.0 = 5.5 over 10 examples
        assertThat(m.logLoss()).isCloseTo(0.55, within(1e-12));
        assertThat(m.confusion()).isDeepEqualTo(new long[][] {{2, 1, 0, 0}, {0, 3, 1, 0}, {1, 0, 2, 0}, {0, 0, 0, 0}});
        assertThat(m.f1(0)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.f1(1)).isCloseTo(0.75, within(1e-12));
        assertThat(m.f1(2)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.f1(3)).isNaN();
        assertThat(m.macroF1()).isCloseTo(25.0 / 36, within(1e-12));
        assertThat(m.auc()).isNaN();
    }

    @Test
    void macroF1_classOnlyPredicted_countsAsZero() {
        ClassificationMetrics m = new ClassificationMetrics(3);
        m.add(0, 0, Double.NaN, 0);
        m.add(0, 2, Double.NaN, 0);
        // F1_0 = 2 / (2 + 0 + 1) = 2/3; class 1 absent (left out); F1_2 = 0 / (0 + 1 + 0) = 0
        assertThat(m.macroF1()).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void empty_allResultsNaN() {
        ClassificationMetrics m = new ClassificationMetrics(2);
        assertThat(m.examples()).isZero();
        assertThat(m.accuracy()).isNaN();
        assertThat(m.logLoss()).isNaN();
        assertThat(m.macroF1()).isNaN();
        assertThat(m.auc()).isNaN();
    }

    @Test
    void auc_smallSetWithTies_matchesHandComputedValue() {
        // positives {0.8, 0.4, 0.4}, negatives {0.4, 0.1}: pairs (0.8,0.4)=1 (0.8,0.1)=1
        // (0.4,0.4)=1/2 twice (0.4,0.1)=1 twice, U = 5 of 6 pairs
        ClassificationMetrics m = new ClassificationMetrics(2);
        m.add(1, 1, 0.8, 0.2);
        m.add(1, 0, 0.4, 0.9);
        m.add(0, 0, 0.4, 0.5);
        m.add(1, 0, 0.4, 0.9);
        m.add(0, 0, 0.1, 0.1);
        assertThat(m.auc()).isCloseTo(5.0 / 6, within(1e-12));
    }

    @Test
    void auc_randomScoresWithTies_matchesPairwiseDefinition() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + r.nextInt(300);
            int[] labels = new int[n];
            double[] scores = new double[n];
            ClassificationMetrics m = new ClassificationMetrics(2);
            for (int i = 0; i < n; i++) {
                labels[i] = r.nextInt(2);
                // coarse scores (11 levels) make many ties; a mild signal makes the AUC non-trivial
                scores[i] = Math.min(1.0, Math.round((r.nextDouble() * 0.8 + labels[i] * 0.2) * 10) / 10.0);
                m.add(labels[i], scores[i] >= 0.5 ? 1 : 0, scores[i], 0.3);
            }
            assertThat(m.auc()).as("trial %d", trial).isEqualTo(bruteForceAuc(labels, scores));
        }
    }

    /** The pairwise definition: P(score+ > score-) + P(score+ == score-) / 2 over all pairs. */
    private static double bruteForceAuc(int[] labels, double[] scores) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < labels.length; j++) {
                if (labels[i] == 1 && labels[j] == 0) {
                    pairs++;
                    if (scores[i] > scores[j]) {
                        wins += 1;
                    } else if (scores[i] == scores[j]) {
                        wins += 0.5;
                    }
                }
            }
        }
        return pairs == 0 ? Double.NaN : wins / pairs;
    }

    @Test
    void auc_perfectAndReversedAndConstant() {
        ClassificationMetrics perfect = new ClassificationMetrics(2);
        ClassificationMetrics reversed = new ClassificationMetrics(2);
        ClassificationMetrics constant = new ClassificationMetrics(2);
        for (int i = 0; i < 10; i++) {
            int y = i % 2;
            perfect.add(y, y, y + i * 0.01, 0);
            reversed.add(y, 1 - y, 1 - y + i * 0.01, 0);
            constant.add(y, 1, 0.5, 0);
        }
        assertThat(perfect.auc()).isEqualTo(1.0);
        assertThat(reversed.auc()).isEqualTo(0.0);
        assertThat(constant.auc()).isEqualTo(0.5);
    }

    @Test
    void auc_negativeAndPositiveZero_areATie() {
        ClassificationMetrics m = new ClassificationMetrics(2);
        m.add(1, 0, -0.0, 0);
        m.add(0, 0, 0.0, 0);
        assertThat(m.auc()).isEqualTo(0.5);
    }

    @Test
    void auc_oneClassMissingOrUnscoredExample_isNaN() {
        ClassificationMetrics onlyPositives = new ClassificationMetrics(2);
        onlyPositives.add(1, 1, 0.9, 0);
        onlyPositives.add(1, 0, 0.2, 0);
        assertThat(onlyPositives.auc()).isNaN();

        ClassificationMetrics unscored = new ClassificationMetrics(2);
        unscored.add(1, 1, 0.9, 0);
        unscored.add(0, 0, 0.1, 0);
        assertThat(unscored.auc()).isEqualTo(1.0);
        unscored.add(0, 0, Double.NaN, 0);
        assertThat(unscored.auc()).isNaN();
        assertThat(unscored.unscoredExamples()).isEqualTo(1);
        assertThat(unscored.examples()).isEqualTo(3);
    }

    @Test
    void merge_splitStream_equalsSingleAccumulator() {
        SplittableRandom r = new SplittableRandom(5);
        ClassificationMetrics all = new ClassificationMetrics(2);
        ClassificationMetrics a = new ClassificationMetrics(2);
        ClassificationMetrics b = new ClassificationMetrics(2);
        for (int i = 0; i < 1000; i++) {
            int y = r.nextInt(2);
            double p = Math.round((r.nextDouble() + y) * 50) / 100.0;
            int predicted = p >= 0.5 ? 1 : 0;
            double loss = -Math.log(y == 1 ? Math.max(p, 1e-3) : Math.max(1 - p, 1e-3));
            all.add(y, predicted, p, loss);
            (i % 3 == 0 ? a : b).add(y, predicted, p, loss);
            if (i == 400) {
                // computing the AUC in between (sorting the scores) must not disturb later adds or merges
                a.auc();
            }
        }
        a.merge(b);
        assertThat(a.examples()).isEqualTo(1000);
        assertThat(a.confusion()).isDeepEqualTo(all.confusion());
        assertThat(a.accuracy()).isEqualTo(all.accuracy());
        assertThat(a.macroF1()).isEqualTo(all.macroF1());
        assertThat(a.logLoss()).isCloseTo(all.logLoss(), within(1e-12));
        assertThat(a.auc()).isEqualTo(all.auc()).isBetween(0.6, 1.0);
        assertThat(b.examples()).isLessThan(1000);
    }

    @Test
    void serializable_roundTrip_keepsScores() throws Exception {
        ClassificationMetrics m = new ClassificationMetrics(2);
        m.add(1, 1, 0.7, 0.3);
        m.add(0, 1, 0.6, 0.9);
        m.add(0, 0, 0.2, 0.2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(m);
        }
        ClassificationMetrics copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ClassificationMetrics) in.readObject();
        }
        assertThat(copy.auc()).isEqualTo(1.0);
        assertThat(copy.confusion()).isDeepEqualTo(m.confusion());
    }

    @Test
    void invalidInput_rejectedWithMessage() {
        assertThatThrownBy(() -> new ClassificationMetrics(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("classes must be >= 2, got 1");
        ClassificationMetrics m = new ClassificationMetrics(3);
        assertThatThrownBy(() -> m.add(3, 0, Double.NaN, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label 3 is outside [0, 3)");
        assertThatThrownBy(() -> m.add(0, -1, Double.NaN, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("predicted class -1 is outside [0, 3)");
        assertThatThrownBy(() -> m.add(0, 0, Double.NaN, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("loss must not be NaN");
        assertThatThrownBy(() -> m.merge(new ClassificationMetrics(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot merge metrics of 2 classes into metrics of 3 classes");
        assertThat(m.examples()).isZero();
    }
}
