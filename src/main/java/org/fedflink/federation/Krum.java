package org.fedflink.federation;

import java.util.List;

/**
 * Krum (Blanchard, El Mhamdi, Guerraoui and Stainer, "Machine Learning with Adversaries:
 * Byzantine Tolerant Gradient Descent", NeurIPS 2017; Flower's {@code Krum}): of the round's
 * {@code n} updates, the one whose summed squared distance to its {@code n - f - 2} nearest
 * neighbours is smallest is added to the global parameters as it is. Sample counts play no part.
 *
 * <p>Needs {@code n >= 2f + 3} ({@link #minUpdates()}); {@link #apply} throws
 * {@link IllegalStateException} on a smaller round. Distances are over the shard's vector, so the
 * rule is only Krum over the whole model with a single shard ({@link #requiresSingleShard()}); on
 * several shards each would select independently. No server state. Create via
 * {@link Strategies#krum}.
 *
 * @param byzantineUpdates {@code f}, the number of arbitrary (Byzantine) updates per round to
 *     tolerate (Flower's {@code num_malicious_clients}); {@code >= 0}
 */
public record Krum(int byzantineUpdates) implements AggregationStrategy {

    /** Flower's default {@code num_malicious_clients}. */
    public static final int DEFAULT_BYZANTINE_UPDATES = 0;

    /** @throws IllegalArgumentException if {@code byzantineUpdates < 0} */
    public Krum {
        Knobs.nonNegative("byzantineUpdates", byzantineUpdates);
    }

    /** {@code 2 * byzantineUpdates + 3}. */
    @Override
    public int minUpdates() {
        return KrumScores.minUpdates(byzantineUpdates);
    }

    @Override
    public boolean requiresSingleShard() {
        return true;
    }

    /**
     * The index (in the order added) of the update Krum selects among {@code deltas}.
     *
     * @throws IllegalStateException if there are fewer than {@link #minUpdates()} deltas
     */
    public int select(List<float[]> deltas) {
        if (deltas.size() < minUpdates()) {
            throw new IllegalStateException(
                    this + " needs at least " + minUpdates() + " updates in a round, got " + deltas.size());
        }
        double[] scores = KrumScores.scores(
                KrumScores.squaredDistances(deltas), KrumScores.all(deltas.size()), byzantineUpdates);
        return KrumScores.lowest(scores, 1)[0];
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
        float[] chosen = deltas.get(select(deltas));
        for (int i = 0; i < global.length; i++) {
            global[i] += chosen[i];
        }
    }
}
