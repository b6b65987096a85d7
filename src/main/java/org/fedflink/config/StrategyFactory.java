package org.fedflink.config;

import java.util.Map;
import java.util.OptionalDouble;
import org.fedflink.config.JobSpec.AggregationSpec;
import org.fedflink.federation.AggregationStrategy;
import org.fedflink.federation.DpAdaptiveClipping;
import org.fedflink.federation.DpFixedClipping;
import org.fedflink.federation.FedAdagrad;
import org.fedflink.federation.FedAdam;
import org.fedflink.federation.FedAvg;
import org.fedflink.federation.FedYogi;
import org.fedflink.federation.StalenessWeight;
import org.fedflink.federation.Strategies;

/**
 * Builds the server strategy that a job spec's {@code aggregation} section names, with its knobs
 * and the defaults of docs/strategies.md (Flower's, where Flower has the knob). A knob the
 * strategy does not use is ignored, so {@code --set aggregation.strategy=krum} works on a spec
 * written for another strategy.
 *
 * <p>The strategy records check their own knobs; a value they refuse becomes a
 * {@link JobSpecException} naming the job spec key, so the loader reports it like any other bad
 * value. The loader calls {@link #create} once while validating, which is why the job builder can
 * call it again without expecting a failure.
 */
public final class StrategyFactory {

    /**
     * The record component names the strategies use in their messages, where they differ from the
     * job spec key under {@code aggregation}.
     */
    private static final Map<String, String> KEY_OF_KNOB = Map.of(
            "beta", "trimBeta",
            "exponent", "stalenessExponent");

    private StrategyFactory() {}

    /**
     * The strategy of {@code spec}'s aggregation section. The DP strategies' noise is seeded by the
     * job's {@code seed}; the defaults of {@code selectedUpdates} and {@code clippedCountStddev}
     * follow {@code rounds.updatesPerRound}.
     *
     * @throws JobSpecException naming the key of a knob the strategy refuses, or a required knob
     *     that is not set ({@code clippingNorm}, {@code noiseMultiplier}, {@code maxUpdateNorm})
     */
    public static AggregationStrategy create(JobSpec spec) throws JobSpecException {
        return create(spec.aggregation(), spec.rounds().nominalUpdatesPerRound(), spec.seed());
    }

    /**
     * The strategy an aggregation section describes.
     *
     * @param updatesPerRound {@code rounds.updatesPerRound}: Multi-Krum's default
     *     {@code selectedUpdates = updatesPerRound - byzantineUpdates} (the paper's {@code m = n - f})
     *     and adaptive clipping's default {@code clippedCountStddev} (updatesPerRound / 20 with noise)
     * @param seed seed of the DP noise
     * @throws JobSpecException as {@link #create(JobSpec)}
     */
    public static AggregationStrategy create(AggregationSpec a, int updatesPerRound, long seed)
            throws JobSpecException {
        String name = Messages.yamlName(a.strategy());
        try {
            return switch (a.strategy()) {
                case FEDAVG -> new FedAvg(a.serverLearningRate(), a.coordinateMean(),
                        a.serverStep() == JobSpec.ServerStep.UPDATE_LENGTH);
                case FEDAVGM -> Strategies.fedAvgM(a.serverLearningRate(), a.serverMomentum());
                case FEDADAGRAD -> {
                    FedAdagrad d = FedAdagrad.defaults();
                    yield Strategies.fedAdagrad(or(a.eta(), d.eta()), or(a.beta1(), d.beta1()), or(a.tau(), d.tau()));
                }
                case FEDADAM -> {
                    FedAdam d = FedAdam.defaults();
                    yield Strategies.fedAdam(or(a.eta(), d.eta()), or(a.beta1(), d.beta1()), a.beta2(),
                            or(a.tau(), d.tau()), a.biasCorrection());
                }
                case FEDYOGI -> {
                    FedYogi d = FedYogi.defaults();
                    yield Strategies.fedYogi(or(a.eta(), d.eta()), or(a.beta1(), d.beta1()), a.beta2(),
                            or(a.tau(), d.tau()));
                }
                case MEDIAN -> Strategies.median();
                case TRIMMEDMEAN -> Strategies.trimmedMean(a.trimBeta());
                case KRUM -> Strategies.krum(a.byzantineUpdates());
                case MULTIKRUM -> Strategies.multiKrum(a.byzantineUpdates(), a.selectedUpdates() != null
                        ? a.selectedUpdates()
                        : Math.max(1, updatesPerRound - a.byzantineUpdates()));
                case BULYAN -> Strategies.bulyan(a.byzantineUpdates());
                case NORMBOUNDING -> Strategies.normBounding(required(a.maxUpdateNorm(), "maxUpdateNorm", name));
                case DPFIXED -> Strategies.dpFixedClipping(required(a.clippingNorm(), "clippingNorm", name),
                        required(a.noiseMultiplier(), "noiseMultiplier", name), seed);
                case DPADAPTIVE -> Strategies.dpAdaptiveClipping(
                        required(a.noiseMultiplier(), "noiseMultiplier", name),
                        a.initialClippingNorm(),
                        a.clippingNormQuantile(),
                        a.clipLearningRate(),
                        a.clippedCountStddev() != null ? a.clippedCountStddev()
                                : Strategies.defaultClippedCountStddev(a.noiseMultiplier(), updatesPerRound),
                        seed);
                case FEDBUFF -> Strategies.fedBuff(a.serverLearningRate(), stalenessWeight(a));
                case FEDPROX -> Strategies.fedProx(a.serverLearningRate(), required(a.proximalMu(), "proximalMu", name));
                case FEDSGD -> Strategies.fedSgd(a.serverLearningRate());
                case SCAFFOLD -> Strategies.scaffold(a.serverLearningRate());
            };
        } catch (IllegalArgumentException e) {
            String message = keyed(e.getMessage(), name);
            if (a.strategy() == JobSpec.Strategy.DPADAPTIVE && a.clippedCountStddev() == null
                    && message.startsWith("key 'aggregation.clippedCountStddev'")) {
                message += " (its default is rounds.updatesPerRound / 20 = " + updatesPerRound / 20.0
                        + "; set it, or lower aggregation.noiseMultiplier)";
            }
            throw new JobSpecException(message);
        }
    }

    /** FedBuff's staleness weight as the section describes it. */
    public static StalenessWeight stalenessWeight(AggregationSpec a) {
        return switch (a.stalenessWeight()) {
            case INVERSE_SQRT -> StalenessWeight.inverseSqrt();
            case CONSTANT -> StalenessWeight.constant();
            case POLYNOMIAL -> StalenessWeight.polynomial(a.stalenessExponent());
        };
    }

    /**
     * The noise multiplier {@code z} of a client-level DP strategy (the value its privacy is
     * accounted with); empty for a strategy that gives no DP guarantee.
     */
    public static OptionalDouble noiseMultiplier(AggregationStrategy strategy) {
        if (strategy instanceof DpFixedClipping fixed) {
            return OptionalDouble.of(fixed.noiseMultiplier());
        }
        if (strategy instanceof DpAdaptiveClipping adaptive) {
            return OptionalDouble.of(adaptive.noiseMultiplier());
        }
        return OptionalDouble.empty();
    }

    private static double or(Double value, double fallback) {
        return value != null ? value : fallback;
    }

    private static double required(Double value, String knob, String strategy) throws JobSpecException {
        if (value == null) {
            throw new JobSpecException(
                    "key 'aggregation." + knob + "' is required when aggregation.strategy is " + strategy);
        }
        return value;
    }

    /**
     * A strategy's {@code "<knob> must be ..., got v"} as {@code "key 'aggregation.<key>' must be
     * ..., got v"}; a message about no known knob keeps its text, prefixed with the strategy.
     */
    private static String keyed(String message, String strategy) {
        if (message == null) {
            return "aggregation.strategy " + strategy + " refuses its knobs";
        }
        int space = message.indexOf(' ');
        String knob = space < 0 ? message : message.substring(0, space);
        String key = KEY_OF_KNOB.getOrDefault(knob, knob);
        if (space > 0 && JobSpecKeys.FIELDS.containsKey("aggregation." + key)) {
            return "key 'aggregation." + key + "'" + message.substring(space);
        }
        return "aggregation.strategy " + strategy + ": " + message;
    }
}
