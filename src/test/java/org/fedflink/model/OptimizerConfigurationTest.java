package org.fedflink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Optimizers are shipped to Flink tasks by Java serialization and logged at job start: a copy must
 * keep every setting, and the log line must show them all.
 */
class OptimizerConfigurationTest {

    @Test
    void toString_eachOptimizer_showsEveryHyperparameter() {
        assertThat(LocalOptimizers.sgd(LearningRate.constant(0.125)).toString())
                .contains("Sgd", "ConstantLearningRate", "rate=0.125");
        assertThat(LocalOptimizers.momentum(LearningRate.inverseSqrt(0.25, 0.5), 0.875).toString())
                .contains("Momentum", "InverseSqrtLearningRate", "rate=0.25", "decay=0.5", "mu=0.875");
        assertThat(LocalOptimizers.adagrad(LearningRate.inverse(0.75, 0.0625), 1e-7).toString())
                .contains("Adagrad", "InverseLearningRate", "rate=0.75", "decay=0.0625", "epsilon=1.0E-7");
        assertThat(LocalOptimizers.ftrl(0.125, 0.5, 0.25, 2.0).toString())
                .isEqualTo("Ftrl[alpha=0.125, beta=0.5, l1=0.25, l2=2.0]");
    }

    @Test
    void serializedCopy_eachOptimizer_equalsOriginalAndKeepsEverySetting() throws Exception {
        List<LocalOptimizer> optimizers = List.of(
                LocalOptimizers.sgd(LearningRate.inverse(0.3, 0.01)),
                LocalOptimizers.momentum(LearningRate.constant(0.05), 0.9),
                LocalOptimizers.adagrad(LearningRate.inverseSqrt(0.5, 2.0), 1e-6),
                LocalOptimizers.ftrl(0.125, 0.5, 0.25, 2.0));
        for (LocalOptimizer original : optimizers) {
            LocalOptimizer copy = roundTrip(original);

            assertThat(copy).isNotSameAs(original).isEqualTo(original).hasSameHashCodeAs(original);
            assertThat(copy.toString()).isEqualTo(original.toString());
        }
    }

    @Test
    void equals_differentHyperparameter_notEqual() {
        assertThat(LocalOptimizers.momentum(LearningRate.constant(0.05), 0.9))
                .isEqualTo(LocalOptimizers.momentum(LearningRate.constant(0.05), 0.9))
                .isNotEqualTo(LocalOptimizers.momentum(LearningRate.constant(0.05), 0.8))
                .isNotEqualTo(LocalOptimizers.momentum(LearningRate.inverse(0.05, 0), 0.9));
        assertThat(LocalOptimizers.adagrad(LearningRate.constant(0.05), 1e-6))
                .isNotEqualTo(LocalOptimizers.adagrad(LearningRate.constant(0.05), 1e-8));
        LocalOptimizer ftrl = LocalOptimizers.ftrl(0.1, 1, 0.5, 2);
        assertThat(ftrl)
                .isEqualTo(LocalOptimizers.ftrl(0.1, 1, 0.5, 2))
                .isNotEqualTo(LocalOptimizers.ftrl(0.2, 1, 0.5, 2))
                .isNotEqualTo(LocalOptimizers.ftrl(0.1, 2, 0.5, 2))
                .isNotEqualTo(LocalOptimizers.ftrl(0.1, 1, 0.25, 2))
                .isNotEqualTo(LocalOptimizers.ftrl(0.1, 1, 0.5, 1));
    }

    @Test
    void ftrl_settingsOutOfRange_throwNamingSettingAndValue() {
        assertThatThrownBy(() -> LocalOptimizers.ftrl(0, 1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("alpha must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> LocalOptimizers.ftrl(Double.POSITIVE_INFINITY, 1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("alpha must be finite and > 0, got Infinity");
        assertThatThrownBy(() -> LocalOptimizers.ftrl(0.1, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("beta must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> LocalOptimizers.ftrl(0.1, 1, -0.5, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("l1 must be finite and >= 0, got -0.5");
        assertThatThrownBy(() -> LocalOptimizers.ftrl(0.1, 1, 0, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("l2 must be finite and >= 0, got NaN");
    }

    @Test
    void momentum_muOutsideZeroToOne_throwsNamingValue() {
        assertThatThrownBy(() -> LocalOptimizers.momentum(LearningRate.constant(0.1), 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mu must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> LocalOptimizers.momentum(LearningRate.constant(0.1), -0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mu must be in [0, 1), got -0.1");
        assertThatThrownBy(() -> LocalOptimizers.momentum(LearningRate.constant(0.1), Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mu must be in [0, 1), got NaN");
    }

    @Test
    void adagrad_epsilonNotPositive_throwsNamingValue() {
        assertThatThrownBy(() -> LocalOptimizers.adagrad(LearningRate.constant(0.1), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("epsilon must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> LocalOptimizers.adagrad(LearningRate.constant(0.1), Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("epsilon must be finite and > 0, got Infinity");
    }

    @Test
    void factories_nullSchedule_throw() {
        assertThatThrownBy(() -> LocalOptimizers.sgd(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rate (the learning-rate schedule) is required, got null");
    }

    @SuppressWarnings("unchecked")
    static <T extends Serializable> T roundTrip(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
