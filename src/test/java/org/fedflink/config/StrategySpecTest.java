package org.fedflink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.fedflink.config.JobSpecErrorsTest.error;

import java.util.ArrayList;
import java.util.List;
import org.fedflink.federation.AggregationStrategy;
import org.fedflink.federation.DpAdaptiveClipping;
import org.fedflink.federation.FedAdagrad;
import org.fedflink.federation.FedAdam;
import org.fedflink.federation.FedYogi;
import org.fedflink.federation.StalenessWeight;
import org.fedflink.federation.Strategies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The strategy keys of the job spec: the rules checked at load, and the spec-to-strategy factory. */
class StrategySpecTest {

    private static final String MINIMAL = JobSpecLoaderTest.MINIMAL;

    private static JobSpec parse(String... overrides) throws JobSpecException {
        return JobSpecLoader.parse(MINIMAL, List.of(overrides));
    }

    private static AggregationStrategy strategy(String... overrides) throws JobSpecException {
        return StrategyFactory.create(parse(overrides));
    }

    // ---- the factory

    @Test
    void create_default_isFedAvgWithTheServerLearningRate() throws Exception {
        // with the per-coordinate mean by default (docs/job-spec.md: chosen by the quality suite)
        assertThat(strategy()).isEqualTo(new org.fedflink.federation.FedAvg(1.0, true));
        assertThat(strategy("aggregation.serverLearningRate=0.5")).isEqualTo(new org.fedflink.federation.FedAvg(0.5, true));
        assertThat(strategy("aggregation.coordinateMean=false")).isEqualTo(Strategies.fedAvg(1.0));
    }

    @Test
    void create_adaptiveOptimizers_takeFlowersDefaultsPerStrategy() throws Exception {
        assertThat(strategy("aggregation.strategy=fedadagrad")).isEqualTo(FedAdagrad.defaults());
        assertThat(strategy("aggregation.strategy=fedadam")).isEqualTo(FedAdam.defaults());
        assertThat(strategy("aggregation.strategy=fedyogi")).isEqualTo(FedYogi.defaults());
        // the same null knobs resolve to each strategy's own defaults
        assertThat(FedYogi.defaults().eta()).isNotEqualTo(FedAdam.defaults().eta());
        assertThat(FedYogi.defaults().tau()).isNotEqualTo(FedAdam.defaults().tau());
    }

    @Test
    void create_adaptiveOptimizers_takeTheirKnobs() throws Exception {
        assertThat(strategy("aggregation.strategy=fedadam", "aggregation.eta=0.03", "aggregation.beta1=0.5",
                "aggregation.beta2=0.9", "aggregation.tau=1e-4", "aggregation.biasCorrection=false"))
                .isEqualTo(Strategies.fedAdam(0.03, 0.5, 0.9, 1e-4, false));
        assertThat(strategy("aggregation.strategy=fedyogi", "aggregation.eta=0.02"))
                .isEqualTo(Strategies.fedYogi(0.02, 0.9, 0.99, 1e-3));
        assertThat(strategy("aggregation.strategy=fedadagrad", "aggregation.beta1=0.9", "aggregation.tau=0.01"))
                .isEqualTo(Strategies.fedAdagrad(0.1, 0.9, 0.01));
        assertThat(strategy("aggregation.strategy=fedavgm", "aggregation.serverMomentum=0.9",
                "aggregation.serverLearningRate=0.7"))
                .isEqualTo(Strategies.fedAvgM(0.7, 0.9));
    }

    @Test
    void create_robustRules_takeTheirKnobs() throws Exception {
        assertThat(strategy("aggregation.strategy=median")).isEqualTo(Strategies.median());
        assertThat(strategy("aggregation.strategy=trimmedmean")).isEqualTo(Strategies.trimmedMean(0.2));
        assertThat(strategy("aggregation.strategy=trimmedmean", "aggregation.trimBeta=0.3"))
                .isEqualTo(Strategies.trimmedMean(0.3));
        assertThat(strategy("aggregation.strategy=krum", "aggregation.byzantineUpdates=2"))
                .isEqualTo(Strategies.krum(2));
        assertThat(strategy("aggregation.strategy=bulyan", "aggregation.byzantineUpdates=1"))
                .isEqualTo(Strategies.bulyan(1));
        assertThat(strategy("aggregation.strategy=normbounding", "aggregation.maxUpdateNorm=2.5"))
                .isEqualTo(Strategies.normBounding(2.5));
    }

    @Test
    void create_multiKrum_defaultsToThePapersNMinusF() throws Exception {
        // updatesPerRound 10 (the default), f = 2: m = 8
        assertThat(strategy("aggregation.strategy=multikrum", "aggregation.byzantineUpdates=2"))
                .isEqualTo(Strategies.multiKrum(2, 8));
        assertThat(strategy("aggregation.strategy=multikrum", "aggregation.byzantineUpdates=2",
                "aggregation.selectedUpdates=3"))
                .isEqualTo(Strategies.multiKrum(2, 3));
    }

    @Test
    void create_dp_seedsTheNoiseWithTheJobSeedAndDefaultsTheCountNoiseToUpdatesOver20() throws Exception {
        assertThat(strategy("aggregation.strategy=dpfixed", "aggregation.clippingNorm=1.5",
                "aggregation.noiseMultiplier=0.8", "seed=7"))
                .isEqualTo(Strategies.dpFixedClipping(1.5, 0.8, 7));
        AggregationStrategy adaptive = strategy("aggregation.strategy=dpadaptive", "aggregation.noiseMultiplier=1.0",
                "rounds.updatesPerRound=40");
        assertThat(adaptive).isEqualTo(Strategies.dpAdaptiveClipping(1.0, 0.1, 0.5, 0.2, 2.0, 42));
        assertThat(((DpAdaptiveClipping) adaptive).clippedCountStddev()).isEqualTo(40 / 20.0);
        AggregationStrategy noiseless = strategy("aggregation.strategy=dpadaptive", "aggregation.noiseMultiplier=0",
                "rounds.updatesPerRound=40");
        assertThat(((DpAdaptiveClipping) noiseless).clippedCountStddev()).isZero();
        assertThat(StrategyFactory.noiseMultiplier(adaptive)).hasValue(1.0);
        assertThat(StrategyFactory.noiseMultiplier(Strategies.fedAvg(1))).isEmpty();
    }

    @Test
    void create_fedBuff_takesItsStalenessWeight() throws Exception {
        assertThat(strategy("aggregation.strategy=fedbuff"))
                .isEqualTo(Strategies.fedBuff(1.0, StalenessWeight.inverseSqrt()));
        assertThat(strategy("aggregation.strategy=fedbuff", "aggregation.stalenessWeight=constant"))
                .isEqualTo(Strategies.fedBuff(1.0, StalenessWeight.constant()));
        assertThat(strategy("aggregation.strategy=fedbuff", "aggregation.stalenessWeight=polynomial",
                "aggregation.stalenessExponent=0.25", "aggregation.serverLearningRate=2"))
                .isEqualTo(Strategies.fedBuff(2.0, StalenessWeight.polynomial(0.25)));
    }

    @Test
    void create_localStepStrategies_runFedAvgOrScaffoldOnTheServer_overTheirOwnLocalSteps() throws Exception {
        var fedProx = strategy("aggregation.strategy=fedprox", "aggregation.proximalMu=0.01",
                "aggregation.serverLearningRate=2");
        assertThat(fedProx).isEqualTo(new org.fedflink.federation.FedAvg(2.0, false, false,
                new org.fedflink.federation.LocalStep.Proximal(0.01)));
        var fedSgd = strategy("aggregation.strategy=fedsgd", "aggregation.serverLearningRate=3");
        assertThat(fedSgd).isEqualTo(Strategies.fedSgd(3.0));
        assertThat(fedSgd.localStep()).isInstanceOf(org.fedflink.federation.LocalStep.Gradient.class);
        assertThat(strategy("aggregation.strategy=fedavg", "aggregation.serverLearningRate=3").localStep())
                .isEqualTo(org.fedflink.federation.LocalStep.plain());
        assertThat(strategy("aggregation.strategy=scaffold")).isEqualTo(Strategies.scaffold(1.0));
        assertThat(Strategies.scaffold(1.0).localStep())
                .isInstanceOf(org.fedflink.federation.Scaffold.ControlledSteps.class);
        assertThat(Strategies.scaffold(1.0).stateSize(7)).isEqualTo(7);
    }

    @Test
    void load_localStepStrategies_refuseWhatTheirTrainersCannotDo() {
        assertThat(error(MINIMAL, "aggregation.strategy=fedprox"))
                .isEqualTo("key 'aggregation.proximalMu' is required when aggregation.strategy is fedprox");
        assertThat(error(MINIMAL, "aggregation.strategy=fedprox", "aggregation.proximalMu=40"))
                .isEqualTo("key 'aggregation.proximalMu' times optimizer.learningRate must be < 1 (the proximal"
                        + " pull would overshoot the global model), got 40 * 0.05");
        assertThat(error(MINIMAL, "aggregation.strategy=fedsgd", "optimizer.type=adagrad"))
                .isEqualTo("fedsgd needs optimizer.type sgd (sources send plain gradient steps), got adagrad");
        assertThat(error(MINIMAL, "aggregation.strategy=scaffold", "rounds.feedback=kafka",
                "output.kafka.modelTopic=models", "checkpoint.intervalMillis=500"))
                .isEqualTo("scaffold needs rounds.feedback channel (the server control variate travels with the"
                        + " in-job feedback, not in model messages), got kafka");
        assertThat(error(MINIMAL, "aggregation.strategy=scaffold", "localDp.clippingNorm=1"))
                .isEqualTo("scaffold cannot run with localDp (its control variates would leave the sources without"
                        + " noise); unset localDp.clippingNorm or pick another strategy");
    }

    @Test
    void load_participationKeys_areCheckedAgainstTheGenerator() {
        assertThat(error(MINIMAL, "rounds.minSources=21"))
                .isEqualTo("key 'rounds.minSources' must be <= input.generator.sources (20), got 21:"
                        + " no round could ever close");
        assertThat(error(MINIMAL, "rounds.sampleFraction=0")).isEqualTo("key 'rounds.sampleFraction' must be in (0, 1], got 0");
        assertThat(error(MINIMAL, "rounds.sampleFraction=1.5"))
                .isEqualTo("key 'rounds.sampleFraction' must be in (0, 1], got 1.5");
    }

    /** Every strategy is selectable from --set with the knobs it requires, and builds. */
    @ParameterizedTest
    @EnumSource(JobSpec.Strategy.class)
    void create_everyStrategy_isSelectableFromSet(JobSpec.Strategy strategy) throws Exception {
        List<String> overrides = new ArrayList<>(List.of("aggregation.strategy=" + Messages.yamlName(strategy),
                "rounds.updatesPerRound=20", "aggregation.byzantineUpdates=2", "aggregation.maxUpdateNorm=1",
                "aggregation.clippingNorm=1", "aggregation.noiseMultiplier=0.5", "aggregation.proximalMu=0.1"));
        JobSpec spec = JobSpecLoader.parse(MINIMAL, overrides);
        assertThat(spec.aggregation().strategy()).isEqualTo(strategy);
        assertThat(StrategyFactory.create(spec)).isNotNull();
    }

    @Test
    void create_aKnobTheStrategyRefuses_namesItsJobSpecKey() {
        // values the loader's ranges would stop, given directly to the factory: the record's check speaks
        JobSpec.AggregationSpec beta = aggregation(JobSpec.Strategy.TRIMMEDMEAN, 0.7, -1.0);
        assertThat(catchThrowableOfType(JobSpecException.class, () -> StrategyFactory.create(beta, 10, 1)))
                .hasMessage("key 'aggregation.trimBeta' must be in [0, 0.5), got 0.7");
        JobSpec.AggregationSpec exponent = aggregation(JobSpec.Strategy.FEDBUFF, 0.2, -1.0);
        assertThat(catchThrowableOfType(JobSpecException.class, () -> StrategyFactory.create(exponent, 10, 1)))
                .hasMessage("key 'aggregation.stalenessExponent' must be finite and >= 0, got -1.0");
    }

    private static JobSpec.AggregationSpec aggregation(JobSpec.Strategy strategy, double trimBeta, double exponent) {
        return new JobSpec.AggregationSpec(strategy, 1.0, 1, 0.0, null, null, 0.99, null, true, trimBeta, 0, null,
                null, null, null, 0.1, 0.5, 0.2, null, 1e-5, JobSpec.StalenessFunction.POLYNOMIAL, exponent,
                null, false, 0.9, false, JobSpec.ServerStep.MEAN);
    }

    // ---- rules checked at load

    @Test
    void load_bulyanWithTooFewUpdatesPerRound_isRefused() {
        assertThat(error(MINIMAL, "aggregation.strategy=bulyan", "aggregation.byzantineUpdates=2",
                "rounds.updatesPerRound=8"))
                .isEqualTo("bulyan with byzantineUpdates 2 needs rounds.updatesPerRound >= 11, got 8");
    }

    @Test
    void load_krumAndMultiKrumWithTooFewUpdatesPerRound_areRefused() {
        assertThat(error(MINIMAL, "aggregation.strategy=krum", "aggregation.byzantineUpdates=4",
                "rounds.updatesPerRound=10"))
                .isEqualTo("krum with byzantineUpdates 4 needs rounds.updatesPerRound >= 11, got 10");
        assertThat(error(MINIMAL, "aggregation.strategy=multikrum", "aggregation.byzantineUpdates=1",
                "aggregation.selectedUpdates=12", "rounds.updatesPerRound=10"))
                .isEqualTo("multikrum with byzantineUpdates 1 and selectedUpdates 12 needs"
                        + " rounds.updatesPerRound >= 12, got 10");
    }

    @Test
    void load_krumWithRoundsTheServerSizes_isAccepted() throws Exception {
        // the server never closes a round below what the strategy needs (RoundSize.target)
        JobSpec spec = JobSpecLoader.parse(MINIMAL, List.of("aggregation.strategy=krum", "aggregation.byzantineUpdates=4"));
        assertThat(spec.rounds().updatesPerRound()).isNull();
    }

    @Test
    void load_enoughUpdatesPerRound_isAccepted() throws Exception {
        assertThat(parse("aggregation.strategy=bulyan", "aggregation.byzantineUpdates=2",
                "rounds.updatesPerRound=11").aggregation().byzantineUpdates()).isEqualTo(2);
    }

    @Test
    void load_singleShardRulesOnSeveralShards_areRefused() {
        assertThat(error(MINIMAL, "aggregation.strategy=krum", "aggregation.shards=4"))
                .isEqualTo("krum needs aggregation.shards = 1 (it selects updates by distances between whole"
                        + " updates), got 4");
        assertThat(error(MINIMAL, "aggregation.strategy=dpfixed", "aggregation.clippingNorm=1",
                "aggregation.noiseMultiplier=1", "aggregation.shards=2"))
                .isEqualTo("dpfixed needs aggregation.shards = 1 (clipping and noise need the whole update), got 2");
    }

    @Test
    void load_centralizedMode_checksTheKnobsButNotTheRoundRules() throws Exception {
        // the centralized learner keeps its own rule: a spec written for krum can still run centralized
        assertThat(parse("mode=centralized", "aggregation.strategy=krum", "aggregation.byzantineUpdates=9",
                "aggregation.shards=3").mode()).isEqualTo(JobSpec.Mode.CENTRALIZED);
        assertThat(error(MINIMAL, "mode=centralized", "aggregation.strategy=dpfixed"))
                .isEqualTo("key 'aggregation.clippingNorm' is required when aggregation.strategy is dpfixed");
    }

    @Test
    void load_missingRequiredKnobs_areNamed() {
        assertThat(error(MINIMAL, "aggregation.strategy=dpfixed", "aggregation.clippingNorm=1"))
                .isEqualTo("key 'aggregation.noiseMultiplier' is required when aggregation.strategy is dpfixed");
        assertThat(error(MINIMAL, "aggregation.strategy=dpadaptive"))
                .isEqualTo("key 'aggregation.noiseMultiplier' is required when aggregation.strategy is dpadaptive");
        assertThat(error(MINIMAL, "aggregation.strategy=normbounding"))
                .isEqualTo("key 'aggregation.maxUpdateNorm' is required when aggregation.strategy is normbounding");
    }

    @Test
    void load_countNoiseTooSmallForTheNoiseMultiplier_namesTheKeyAndItsDefault() {
        assertThat(error(MINIMAL, "aggregation.strategy=dpadaptive", "aggregation.noiseMultiplier=1.1"))
                .isEqualTo("key 'aggregation.clippedCountStddev' must be > noiseMultiplier / 2 = 0.55 so that the"
                        + " update noise can make up the rest, got 0.5 (its default is rounds.updatesPerRound / 20"
                        + " = 0.5; set it, or lower aggregation.noiseMultiplier)");
        assertThat(error(MINIMAL, "aggregation.strategy=dpadaptive", "aggregation.noiseMultiplier=1.1",
                "aggregation.clippedCountStddev=0.5"))
                .isEqualTo("key 'aggregation.clippedCountStddev' must be > noiseMultiplier / 2 = 0.55 so that the"
                        + " update noise can make up the rest, got 0.5");
    }

    @Test
    void load_knobsOutOfRange_areRefusedWithTheirKey() {
        assertThat(error(MINIMAL, "aggregation.trimBeta=0.5"))
                .isEqualTo("key 'aggregation.trimBeta' must be in [0, 0.5), got 0.5");
        assertThat(error(MINIMAL, "aggregation.beta1=1"))
                .isEqualTo("key 'aggregation.beta1' must be in [0, 1), got 1");
        assertThat(error(MINIMAL, "aggregation.eta=0"))
                .isEqualTo("key 'aggregation.eta' must be > 0, got 0");
        assertThat(error(MINIMAL, "aggregation.dpDelta=1"))
                .isEqualTo("key 'aggregation.dpDelta' must be in (0, 1), got 1");
        assertThat(error(MINIMAL, "aggregation.selectedUpdates=0"))
                .isEqualTo("key 'aggregation.selectedUpdates' must be between 1 and 1048576, got 0");
        assertThat(error(MINIMAL, "aggregation.stalenessWeight=inverse_sqrt"))
                .isEqualTo("key 'aggregation.stalenessWeight' must be one of: inverse-sqrt, constant, polynomial,"
                        + " got 'inverse_sqrt'");
        assertThat(error(MINIMAL, "rounds.maxStaleness=-1"))
                .isEqualTo("key 'rounds.maxStaleness' must be >= 0, got -1");
        assertThat(error(MINIMAL, "rounds.countStaleness=-1"))
                .isEqualTo("key 'rounds.countStaleness' must be >= 0, got -1");
    }

    @Test
    void load_attack_checksItsKeysAndLabelFlipNeedsAClassifier() throws Exception {
        assertThat(error(MINIMAL, "attack.fraction=1.5"))
                .isEqualTo("key 'attack.fraction' must be in [0, 1], got 1.5");
        assertThat(error(MINIMAL, "attack.type=backdoor"))
                .isEqualTo("key 'attack.type' must be one of: signflip, scale, noise, labelflip, got 'backdoor'");
        assertThat(error("job: t\nmodel:\n  type: linear\n  features: 3\n", "attack.fraction=0.2",
                "attack.type=labelflip"))
                .isEqualTo("key 'attack.type' labelflip needs a classifier (logistic, softmax or mlp),"
                        + " got model.type linear");
        JobSpec attacked = parse("attack.fraction=0.2", "attack.type=scale", "attack.scale=-10");
        assertThat(attacked.attack()).isEqualTo(new JobSpec.AttackSpec(0.2, JobSpec.AttackType.SCALE, -10.0, 1.0));
        assertThat(attacked.attack().enabled()).isTrue();
        assertThat(parse().attack().enabled()).isFalse();
    }

    @Test
    void toYaml_unsetKnobs_readBackAsUnset() throws Exception {
        JobSpec spec = parse("aggregation.strategy=fedyogi", "aggregation.tau=0.01", "rounds.maxStaleness=4",
                "aggregation.stalenessWeight=polynomial");
        String yaml = JobSpecLoader.toYaml(spec);
        assertThat(yaml).contains("eta: null", "stalenessWeight: polynomial");
        JobSpec back = JobSpecLoader.parse(yaml, List.of());
        assertThat(back).isEqualTo(spec);
        assertThat(back.aggregation().eta()).isNull();
        assertThat(back.aggregation().tau()).isEqualTo(0.01);
    }

    @Test
    void tasks_eachTaskHasItsOwnStrategy() throws Exception {
        JobSpec spec = JobSpecLoader.parse(MINIMAL + """
                tasks:
                  - name: plain
                  - name: robust
                    aggregation:
                      strategy: median
                """, List.of("tasks.robust.aggregation.strategy=krum", "tasks.robust.rounds.updatesPerRound=5"));
        assertThat(StrategyFactory.create(spec.tasks().get(0).spec())).isEqualTo(new org.fedflink.federation.FedAvg(1, true));
        assertThat(StrategyFactory.create(spec.tasks().get(1).spec())).isEqualTo(Strategies.krum(0));
    }
}
