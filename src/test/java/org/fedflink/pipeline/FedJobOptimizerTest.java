package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.model.LearningRate;
import org.fedflink.model.LocalOptimizers;
import org.junit.jupiter.api.Test;

/** {@link FedJob#optimizer} builds the optimizer the job spec's {@code optimizer} section describes. */
class FedJobOptimizerTest {

    private static final String MINIMAL = "job: t\nmodel:\n  type: logistic\n  features: 8\n";

    @Test
    void optimizer_ftrl_takesLearningRateAsAlphaAndItsOwnKnobs() throws Exception {
        var spec = JobSpecLoader.parse(MINIMAL, List.of("optimizer.type=ftrl", "optimizer.learningRate=0.2",
                "optimizer.beta=0.5", "optimizer.l1=0.01", "optimizer.l2=3"));

        assertThat(FedJob.optimizer(spec)).isEqualTo(LocalOptimizers.ftrl(0.2, 0.5, 0.01, 3.0));
    }

    @Test
    void optimizer_scheduledTypes_useTheSchedule() throws Exception {
        assertThat(FedJob.optimizer(JobSpecLoader.parse(MINIMAL, List.of())))
                .isEqualTo(LocalOptimizers.sgd(LearningRate.inverseSqrt(0.05, 0.001)));
        assertThat(FedJob.optimizer(JobSpecLoader.parse(MINIMAL, List.of("optimizer.type=adagrad",
                "optimizer.schedule=inverse", "optimizer.decay=0.5"))))
                .isEqualTo(LocalOptimizers.adagrad(LearningRate.inverse(0.05, 0.5), 1e-8));
    }
}
