package org.fedflink.federation;

import java.io.Serializable;

/**
 * FedBuff's server step (Nguyen, Malik, Zhan, Yousefpour, Rabbat, Malek and Huba, "Federated
 * Learning with Buffered Asynchronous Aggregation", AISTATS 2022): a round is a buffer of {@code K}
 * updates, each weighted by a function of its staleness {@code tau_k}, and
 *
 * <pre>
 *   global += serverLearningRate * sum_k(s(tau_k) * delta_k) / K
 * </pre>
 *
 * The mean is over updates, not samples, as in the paper. Staleness comes from
 * {@link RoundAccumulator#add(float[], long, long)} (the version gap the caller already computes);
 * an update added with {@link RoundAccumulator#add(float[], long)} counts as fresh. Non-finite
 * deltas are dropped and counted. No server state; {@link #minUpdates()} is 1. Create via
 * {@link Strategies#fedBuff}.
 *
 * @param serverLearningRate {@code eta_g}; finite and {@code > 0}
 * @param stalenessWeight {@code s(tau)}; required
 */
public record FedBuff(double serverLearningRate, StalenessWeight stalenessWeight) implements AggregationStrategy {

    /** The default server learning rate (the average as it is). */
    public static final double DEFAULT_SERVER_LEARNING_RATE = 1.0;

    /** @throws IllegalArgumentException naming the first knob out of range */
    public FedBuff {
        Knobs.positive("serverLearningRate", serverLearningRate);
        if (stalenessWeight == null) {
            throw new IllegalArgumentException("stalenessWeight is required, got null");
        }
    }

    @Override
    public RoundAccumulator newRound(int length) {
        return new Round(length, stalenessWeight);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the round has no (finite) updates
     * @throws IllegalArgumentException if the round is not a FedBuff round of this length
     */
    @Override
    public void apply(float[] global, float[] serverState, RoundAccumulator round) {
        if (global == null) {
            throw new IllegalArgumentException("global is required, got null");
        }
        if (!(round instanceof Round r)) {
            throw new IllegalArgumentException("round was not created by FedBuff.newRound: " + round);
        }
        if (r.updates == 0) {
            throw new IllegalStateException(Vectors.emptyRoundMessage(r.rejected));
        }
        if (global.length != r.sum.length) {
            throw new IllegalArgumentException(
                    "global has length " + global.length + " but the round's shard has length " + r.sum.length);
        }
        double scale = serverLearningRate / r.updates;
        for (int i = 0; i < global.length; i++) {
            global[i] = (float) (global[i] + scale * r.sum[i]);
        }
    }

    /** A running double sum of staleness-weighted deltas. Serializable; not thread-safe. */
    private static final class Round implements RoundAccumulator, Serializable {
        private static final long serialVersionUID = 1L;

        private final StalenessWeight weight;
        private final double[] sum;
        private int updates;
        private long samples;
        private int rejected;

        Round(int length, StalenessWeight weight) {
            if (length < 0) {
                throw new IllegalArgumentException("length must be >= 0, got " + length);
            }
            this.sum = new double[length];
            this.weight = weight;
        }

        @Override
        public void add(float[] delta, long samples) {
            add(delta, samples, 0);
        }

        @Override
        public void add(float[] delta, long samples, long staleness) {
            if (delta == null) {
                throw new IllegalArgumentException("delta is required, got null");
            }
            if (delta.length != sum.length) {
                throw new IllegalArgumentException(
                        "delta has length " + delta.length + " but this round's shard has length " + sum.length);
            }
            if (samples < 0) {
                throw new IllegalArgumentException("samples must be >= 0, got " + samples);
            }
            double w = weight.weight(staleness);
            if (!Vectors.allFinite(delta)) {
                rejected++;
                return;
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] += w * delta[i];
            }
            updates++;
            this.samples += samples;
        }

        @Override
        public int updates() {
            return updates;
        }

        @Override
        public long samples() {
            return samples;
        }

        @Override
        public int rejected() {
            return rejected;
        }

        @Override
        public String toString() {
            return "FedBuff.Round[length=" + sum.length + ", updates=" + updates + ", samples=" + samples
                    + ", rejected=" + rejected + "]";
        }
    }
}
