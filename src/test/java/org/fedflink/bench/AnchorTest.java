package org.fedflink.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.fedflink.data.Example;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;

/** The bench's straightforward loop learns what it is given, dense or sparse, so its speed means something. */
class AnchorTest {

    /** Three classes, each the largest of three features plus noise features that carry nothing. */
    private static List<Example> planted(int n, boolean sparse, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = random.nextInt(3);
            float[] values = new float[6];
            for (int j = 0; j < 6; j++) {
                values[j] = (float) random.nextDouble();
            }
            values[label] += 1;
            int[] indices = sparse ? new int[] {0, 1, 2, 3, 4, 5} : null;
            out.add(new Example("s", 0, label, indices, values));
        }
        return out;
    }

    @Test
    void softmax_learnsAPlantedRule_denseAndSparseAlike() {
        Anchor dense = new Anchor(ModelType.SOFTMAX, 6, 3, 0.1, 0);
        Anchor sparse = new Anchor(ModelType.SOFTMAX, 6, 3, 0.1, 0);
        planted(5_000, false, 1).forEach(dense::learn);
        planted(5_000, true, 1).forEach(sparse::learn);

        List<Example> test = planted(1_000, false, 2);
        long right = test.stream().filter(dense::predictsRight).count();
        assertThat(right).isGreaterThan(900);
        assertThat(test.stream().filter(sparse::predictsRight).count()).isEqualTo(right);
        // prequential hits: far above the 1/3 of guessing
        assertThat(dense.hits()).isGreaterThan(4_000).isEqualTo(sparse.hits());
    }

    @Test
    void logistic_learnsWhetherTheFirstFeatureIsLarge() {
        Anchor anchor = new Anchor(ModelType.LOGISTIC, 2, 2, 0.5, 0);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 5_000; i++) {
            float x = (float) random.nextDouble();
            anchor.learn(new Example("s", 0, x > 0.5 ? 1 : 0, null, new float[] {x, (float) random.nextDouble()}));
        }
        assertThat(anchor.predictsRight(new Example("s", 0, 1, null, new float[] {0.9f, 0.5f}))).isTrue();
        assertThat(anchor.predictsRight(new Example("s", 0, 0, null, new float[] {0.1f, 0.5f}))).isTrue();
    }

    @Test
    void anMlp_hasNoAnchor() {
        assertThat(Anchor.supports(ModelType.MLP)).isFalse();
        assertThatThrownBy(() -> new Anchor(ModelType.MLP, 2, 2, 0.1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
