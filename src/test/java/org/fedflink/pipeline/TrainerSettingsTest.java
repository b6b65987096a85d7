package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.fedflink.federation.LocalStep;
import org.fedflink.federation.Scaffold;
import org.fedflink.model.LearningRate;
import org.fedflink.model.LocalOptimizer;
import org.fedflink.model.LocalOptimizers;
import org.fedflink.model.ModelSpec;
import org.fedflink.model.ModelType;
import org.junit.jupiter.api.Test;

class TrainerSettingsTest {

    private static final long MB64 = 64L << 20;
    private static final LocalOptimizer SGD = LocalOptimizers.sgd(LearningRate.constant(0.1));

    @Test
    void cacheEntries_fitTheBudgetToTheModelsSize() {
        ModelSpec small = new ModelSpec(ModelType.LOGISTIC, 32, 2, 0);
        ModelSpec softmax = new ModelSpec(ModelType.SOFTMAX, 784, 10, 0);
        // (2 x 33 floats + 400 bytes) per source
        assertThat(TrainerSettings.cacheEntries(small, SGD, LocalStep.plain(), false, MB64))
                .isEqualTo((int) (MB64 / (66 * 4 + 400)));
        // (2 x 7,850 floats + 400 bytes): about a thousand
        assertThat(TrainerSettings.cacheEntries(softmax, SGD, LocalStep.plain(), false, MB64))
                .isEqualTo((int) (MB64 / (15_700 * 4 + 400)));
        // Adagrad's state and SCAFFOLD's control variate are a model each more
        LocalOptimizer adagrad = LocalOptimizers.adagrad(LearningRate.constant(0.1), 1e-6);
        assertThat(TrainerSettings.cacheEntries(softmax, adagrad, new Scaffold.ControlledSteps(), false, MB64))
                .isEqualTo((int) (MB64 / (31_400 * 4 + 400)));
        // FTRL's state is two models
        assertThat(TrainerSettings.cacheEntries(softmax, LocalOptimizers.ftrl(0.1, 1, 0, 0),
                LocalStep.plain(), false, MB64))
                .isEqualTo((int) (MB64 / (31_400 * 4 + 400)));
        assertThat(TrainerSettings.cacheEntries(softmax, SGD, LocalStep.plain(), true, MB64))
                .isEqualTo(4096);
    }

    @Test
    void cacheEntries_stayBetweenAHundredAndAMillion() {
        ModelSpec huge = new ModelSpec(ModelType.SOFTMAX, 1 << 20, 10, 0);
        ModelSpec tiny = new ModelSpec(ModelType.LINEAR, 1, 0, 0);
        assertThat(TrainerSettings.cacheEntries(huge, SGD, LocalStep.plain(), false, MB64)).isEqualTo(100);
        assertThat(TrainerSettings.cacheEntries(tiny, SGD, LocalStep.plain(), false, 1L << 40))
                .isEqualTo(1_000_000);
    }
}
