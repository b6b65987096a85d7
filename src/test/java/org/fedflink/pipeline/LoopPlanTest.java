package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.config.StrategyFactory;
import org.fedflink.data.Example;
import org.fedflink.drift.DriftSettings;
import org.fedflink.federation.DpAccounting;
import org.fedflink.federation.Strategies;
import org.junit.jupiter.api.Test;

/**
 * {@link LoopPlan}: what sets a federated loop apart from a centralized one, and which loops a task
 * has. The uids come from {@link Loop} ({@link LoopTest}).
 */
class LoopPlanTest {

    private static final Path TASK_DIR = Path.of("run");
    private static final Example EXAMPLE = new Example("source-3", 0, 1, null, new float[] {1});

    private static JobSpec quickstart(String... overrides) throws Exception {
        return JobSpecLoader.load(Path.of("jobs/quickstart.yaml"), List.of(overrides));
    }

    private static List<LoopPlan> plans(JobSpec spec) {
        return LoopPlan.forTask(spec.runTasks().get(0), TASK_DIR, spec.job());
    }

    @Test
    void forTask_federatedWithCentralizedBaseline_ownLoopThenBaseline() throws Exception {
        List<LoopPlan> plans = plans(quickstart());

        assertThat(plans).extracting(LoopPlan::loop).containsExactly(Loop.of(null), Loop.baselineOf(null));
        assertThat(plans).extracting(LoopPlan::out).containsExactly(
                TASK_DIR.toAbsolutePath().toString(), TASK_DIR.resolve("baseline").toAbsolutePath().toString());
        assertThat(plans.get(0).modelKey()).isEqualTo("quickstart");
        assertThat(plans.get(1).modelKey()).isNull();
        assertThat(plans.get(0).loopId()).isNotEqualTo(plans.get(1).loopId());
    }

    @Test
    void forTask_centralizedMode_oneCentralizedLoopThatKeepsTheModelKey() throws Exception {
        List<LoopPlan> plans = plans(quickstart("mode=centralized", "drift.detector=adwin"));

        assertThat(plans).hasSize(1);
        LoopPlan own = plans.get(0);
        assertThat(own.loop()).isEqualTo(Loop.of(null));
        assertThat(own.inOrder()).isTrue();
        assertThat(own.modelKey()).isEqualTo("quickstart");
        // the task's own model follows drift; only a baseline is the reference without
        assertThat(own.aggregator().drift().detector()).isNotNull();
        assertThat(own.trainer().drift()).isSameAs(own.aggregator().drift());
    }

    @Test
    void federated_oneLearnerPerSource_theJobsStrategyAttackAndNoise() throws Exception {
        JobSpec spec = quickstart("attack.type=scale", "attack.fraction=0.2", "attack.scale=-10",
                "localDp.clippingNorm=1", "localDp.noiseMultiplier=0.1", "rounds.maxStaleness=3");
        LoopPlan federated = plans(spec).get(0);

        assertThat(federated.key().getKey(EXAMPLE)).isEqualTo("source-3");
        assertThat(federated.inOrder()).isFalse();
        assertThat(federated.perSourceStats()).isTrue();
        assertThat(federated.trainers()).isEqualTo(2);
        assertThat(federated.trainer().localExamples()).isEqualTo(20);
        assertThat(federated.trainer().adoptGlobal()).isTrue();
        assertThat(federated.trainer().attack()).isPresent();
        assertThat(federated.trainer().localDp()).isPresent();
        assertThat(federated.aggregator().strategy()).isEqualTo(StrategyFactory.create(spec));
        assertThat(federated.aggregator().updatesPerRound()).isEqualTo(40);
        assertThat(federated.aggregator().maxStaleness()).isEqualTo(3);
        assertThat(federated.aggregator().dpAccounting()).isEmpty();
        assertThat(federated.aggregator().reputationDecay()).isEmpty();
    }

    @Test
    void federated_dpStrategyIsAccountedFor_andReputationKept() throws Exception {
        JobSpec spec = quickstart("aggregation.strategy=dpfixed", "aggregation.clippingNorm=1",
                "aggregation.noiseMultiplier=0.8", "aggregation.dpDelta=1e-6", "aggregation.reputation=true",
                "aggregation.reputationDecay=0.7");
        List<LoopPlan> plans = plans(spec);

        assertThat(plans.get(0).aggregator().dpAccounting()).contains(new DpAccounting(0.8, 1e-6));
        assertThat(plans.get(0).aggregator().reputationDecay()).hasValue(0.7);
        // the baseline's sum gives no DP guarantee, and it keeps no reputation
        assertThat(plans.get(1).aggregator().dpAccounting()).isEmpty();
        assertThat(plans.get(1).aggregator().reputationDecay()).isEmpty();
    }

    @Test
    void centralizedBaseline_oneCleanLearnerOverAllSources() throws Exception {
        JobSpec spec = quickstart("attack.type=scale", "attack.fraction=0.2", "attack.scale=-10",
                "localDp.clippingNorm=1", "localDp.noiseMultiplier=0.1", "rounds.maxStaleness=3",
                "drift.detector=adwin", "aggregation.reputation=true");
        LoopPlan baseline = plans(spec).get(1);

        assertThat(baseline.key().getKey(EXAMPLE)).isEqualTo(FedJob.CENTRALIZED_KEY);
        assertThat(baseline.inOrder()).isTrue();
        assertThat(baseline.perSourceStats()).isFalse();
        assertThat(baseline.kafkaFeedback()).isFalse();
        assertThat(baseline.modelTopic()).isNull();
        assertThat(baseline.trainers()).isEqualTo(1);
        // a federated round's worth of examples (20 x 40) per report
        assertThat(baseline.trainer().localExamples()).isEqualTo(800);
        assertThat(baseline.trainer().adoptGlobal()).isFalse();
        assertThat(baseline.trainer().attack()).isEmpty();
        assertThat(baseline.trainer().localDp()).isEmpty();
        assertThat(baseline.trainer().drift()).isEqualTo(DriftSettings.none());
        assertThat(baseline.aggregator().strategy()).isInstanceOf(Strategies.sum().getClass());
        assertThat(baseline.aggregator().updatesPerRound()).isEqualTo(1);
        assertThat(baseline.aggregator().maxStaleness()).isZero();
        assertThat(baseline.aggregator().minSources()).isEqualTo(1);
        assertThat(baseline.aggregator().reputationDecay()).isEmpty();
    }
}
