package org.fedflink.federation;

/**
 * Federated Averaging, the server step of McMahan, Moore, Ramage, Hampson and Agüera y Arcas,
 * "Communication-Efficient Learning of Deep Networks from Decentralized Data", AISTATS 2017, with
 * a server learning rate (as in Reddi et al., "Adaptive Federated Optimization", ICLR 2021):
 * {@code global += serverLearningRate * sum(n_i * delta_i) / sum(n_i)}, where {@code delta_i} is
 * client {@code i}'s parameter change over {@code n_i} local examples. A server learning rate of 1
 * is the original FedAvg (the global model becomes the sample-weighted mean of the client models).
 *
 * <p>Its rounds keep a running weighted sum and the sample total, never the updates themselves.
 * Every update must come from at least one example. No server state ({@link #stateSize} is 0)
 * unless {@code updateLengthStep}.
 * Immutable and serializable. Create via {@link Strategies#fedAvg}.
 *
 * <p>Two departures, each optional: {@code coordinateMean} averages each coordinate over the
 * updates that moved it (sparse features are not diluted by sources that never saw them), and
 * {@code updateLengthStep} lengthens the mean step towards the updates' own length (see
 * {@link SummingRound#updateLengthGain}); its state is the previous step and the gain's bound.
 *
 * @param serverLearningRate the server step size; finite and {@code > 0}
 * @param coordinateMean whether each coordinate is averaged over the updates that moved it
 * @param updateLengthStep whether the step is lengthened while rounds agree
 * @param localStep the sources' steps: plain for FedAvg, FedProx's proximal pull, FedSGD's
 *     gradient mean (FedAvg's server rule under each; {@link Strategies#fedProx}, {@link Strategies#fedSgd})
 */
public record FedAvg(double serverLearningRate, boolean coordinateMean, boolean updateLengthStep, LocalStep localStep)
        implements AggregationStrategy {

    /** FedAvg over whole updates. */
    public FedAvg(double serverLearningRate) {
        this(serverLearningRate, false, false);
    }

    /** FedAvg that moves by the (coordinate) mean update. */
    public FedAvg(double serverLearningRate, boolean coordinateMean) {
        this(serverLearningRate, coordinateMean, false);
    }

    /** FedAvg with plain local steps. */
    public FedAvg(double serverLearningRate, boolean coordinateMean, boolean updateLengthStep) {
        this(serverLearningRate, coordinateMean, updateLengthStep, LocalStep.plain());
    }

    /** @throws IllegalArgumentException if {@code serverLearningRate} is not finite and positive */
    public FedAvg {
        if (!(serverLearningRate > 0) || !Double.isFinite(serverLearningRate)) {
            throw new IllegalArgumentException(
                    "serverLearningRate must be finite and > 0, got " + serverLearningRate);
        }
        if (localStep == null) {
            throw new IllegalArgumentException("localStep is required (LocalStep.plain() for FedAvg's own)");
        }
    }

    /** With the update-length step: the previous round's step, then the gain's multiplier minus 1. */
    @Override
    public int stateSize(int length) {
        return updateLengthStep ? length + 1 : 0;
    }

    /** After a concept drift: the step starts again at the mean update. */
    @Override
    public void resetOptimizerState(float[] serverState) {
        java.util.Arrays.fill(serverState, 0f);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The round's {@code add} throws {@link IllegalArgumentException} for a delta of the wrong
     * length or {@code samples < 1}.
     */
    @Override
    public RoundAccumulator newRound(int length) {
        return new SummingRound(length, true, false, updateLengthStep);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the round has no updates
     * @throws IllegalArgumentException if the round is not one of this strategy's rounds or has a
     *     different length from {@code global}
     */
    @Override
    public void apply(float[] global, float[] serverState, RoundAccumulator round) {
        SummingRound r = SummingRound.checkApplicable(global, round, true, "FedAvg");
        int[] moved = movedCoordinates(r);
        if (moved != null) {
            // a sparse round: the step is zero wherever no update moved
            double[] steps = r.movedSteps(coordinateMean);
            for (int k = 0; k < moved.length; k++) {
                global[moved[k]] = (float) (global[moved[k]] + serverLearningRate * steps[k]);
            }
            return;
        }
        double[] step = coordinateMean ? r.coordinateMean() : r.mean();
        double scale = serverLearningRate * (updateLengthStep ? gain(serverState, step, r) : 1);
        for (int i = 0; i < global.length; i++) {
            global[i] = (float) (global[i] + scale * step[i]);
        }
    }

    /** The coordinates a sparse round moved; all of them with the update-length step, whose step is dense. */
    @Override
    public int[] movedCoordinates(RoundAccumulator round) {
        return !updateLengthStep && round instanceof SummingRound r ? r.movedCoordinates() : null;
    }

    /**
     * The update-length gain, allowed only as far as the rounds keep going the same way: its cap
     * grows by a fifth each round whose step points the way of the one before (positive cosine)
     * and halves when it turns back, so updates that differ because their sources differ (non-IID
     * rounds whose means swing) keep the mean step, and noisy updates of one concept get longer steps.
     */
    private static double gain(float[] state, double[] step, SummingRound r) {
        int length = step.length;
        double dot = 0;
        double prev2 = 0;
        double step2 = 0;
        for (int i = 0; i < length; i++) {
            dot += state[i] * step[i];
            prev2 += (double) state[i] * state[i];
            step2 += step[i] * step[i];
        }
        double cap = 1 + state[length];
        if (prev2 > 0 && step2 > 0) {
            cap = dot > 0 ? cap * 1.2 : Math.max(1, cap * 0.5);
        }
        // the bound is >= 1, so the gain is too, and it is the next round's cap
        double gain = Math.min(cap, r.updateLengthGain(step));
        state[length] = (float) (gain - 1);
        for (int i = 0; i < length; i++) {
            state[i] = (float) step[i];
        }
        return gain;
    }
}
