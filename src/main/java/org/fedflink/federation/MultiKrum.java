package org.fedflink.federation;

import java.util.List;

/**
 * Multi-Krum (Blanchard et al., NeurIPS 2017, Section 5): the {@code m} updates with the lowest
 * Krum scores (see {@link Krum}) are averaged, and the mean is added to the global parameters.
 * With {@code m = 1} it is Krum; with {@code m = n} it is the plain mean.
 *
 * <p>The mean is unweighted, as in the paper; Flower's {@code Krum} with
 * {@code num_clients_to_keep > 0} weighs the kept updates by their sample counts instead, which
 * lets a selected Byzantine source inflate its weight by claiming many examples.
 *
 * <p>Needs {@code n >= max(2f + 3, m)} ({@link #minUpdates()}); {@link #apply} throws
 * {@link IllegalStateException} on a smaller round. Requires a single shard, as Krum. No server
 * state. Create via {@link Strategies#multiKrum}.
 *
 * @param byzantineUpdates {@code f} (Flower's {@code num_malicious_clients}); {@code >= 0}
 * @param selectedUpdates {@code m}, how many updates are averaged (Flower's
 *     {@code num_clients_to_keep}); {@code >= 1}
 */
public record MultiKrum(int byzantineUpdates, int selectedUpdates) implements AggregationStrategy {

    /** @throws IllegalArgumentException naming the first knob out of range */
    public MultiKrum {
        Knobs.nonNegative("byzantineUpdates", byzantineUpdates);
        Knobs.positive("selectedUpdates", selectedUpdates);
    }

    /** {@code max(2 * byzantineUpdates + 3, selectedUpdates)}. */
    @Override
    public int minUpdates() {
        return Math.max(KrumScores.minUpdates(byzantineUpdates), selectedUpdates);
    }

    @Override
    public boolean requiresSingleShard() {
        return true;
    }

    /**
     * The indices (in the order added) of the {@code m} updates selected among {@code deltas},
     * best score first.
     *
     * @throws IllegalStateException if there are fewer than {@link #minUpdates()} deltas
     */
    public int[] select(List<float[]> deltas) {
        if (deltas.size() < minUpdates()) {
            throw new IllegalStateException(
                    this + " needs at least " + minUpdates() + " updates in a round, got " + deltas.size());
        }
        double[] scores = KrumScores.scores(
                KrumScores.squaredDistances(deltas), KrumScores.all(deltas.size()), byzantineUpdates);
        return KrumScores.lowest(scores, selectedUpdates);
    }

    @Override
    public RoundAccumulator newRound(int length) {
        return new StoredRound(length);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the round has fewer than {@link #minUpdates()} (finite) updates
     * @throws IllegalArgumentException if the round is not a stored round of this length
     */
    @Override
    public void apply(float[] global, float[] serverState, RoundAccumulator round) {
        List<float[]> deltas = StoredRound.checkApplicable(global, round, this).deltas();
        int[] selected = select(deltas);
        double[] mean = new double[global.length];
        for (int k : selected) {
            float[] delta = deltas.get(k);
            for (int i = 0; i < mean.length; i++) {
                mean[i] += delta[i];
            }
        }
        for (int i = 0; i < mean.length; i++) {
            mean[i] /= selected.length;
        }
        Vectors.addTo(global, mean);
    }
}
