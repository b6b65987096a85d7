package org.fedflink.federation;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Bulyan (El Mhamdi, Guerraoui and Rouault, "The Hidden Vulnerability of Distributed Learning in
 * Byzantium", ICML 2018; Flower's {@code Bulyan} with Krum as the inner rule). Of the round's
 * {@code n} updates:
 *
 * <ol>
 *   <li>select {@code theta = n - 2f} of them by applying Krum repeatedly, each time to the
 *       updates not selected yet, and moving its choice to the selection;
 *   <li>per coordinate, add to the global parameter the mean of the {@code beta = theta - 2f}
 *       selected values closest to the selection's median (ties broken by selection order).
 * </ol>
 *
 * Sample counts play no part. Needs {@code n >= 4f + 3} ({@link #minUpdates()}), the paper's
 * assumption; {@link #apply} throws {@link IllegalStateException} on a smaller round. In the later
 * Krum iterations fewer than {@code f + 3} candidates may remain; the neighbour count is then
 * clamped to at least 1, as in Flower. Requires a single shard, as Krum. No server state. Create
 * via {@link Strategies#bulyan}.
 *
 * @param byzantineUpdates {@code f} (Flower's {@code num_malicious_clients}); {@code >= 0}
 */
public record Bulyan(int byzantineUpdates) implements AggregationStrategy {

    /** @throws IllegalArgumentException if {@code byzantineUpdates < 0} */
    public Bulyan {
        Knobs.nonNegative("byzantineUpdates", byzantineUpdates);
    }

    /** {@code 4 * byzantineUpdates + 3}. */
    @Override
    public int minUpdates() {
        return 4 * byzantineUpdates + 3;
    }

    @Override
    public boolean requiresSingleShard() {
        return true;
    }

    /**
     * The {@code theta = n - 2f} indices (in the order added) that the repeated Krum selects, in
     * selection order.
     *
     * @throws IllegalStateException if there are fewer than {@link #minUpdates()} deltas
     */
    public int[] select(List<float[]> deltas) {
        int n = deltas.size();
        if (n < minUpdates()) {
            throw new IllegalStateException(this + " needs at least " + minUpdates() + " updates in a round, got " + n);
        }
        double[][] distances = KrumScores.squaredDistances(deltas);
        int theta = n - 2 * byzantineUpdates;
        int[] remaining = KrumScores.all(n);
        int[] selected = new int[theta];
        for (int s = 0; s < theta; s++) {
            int best = remaining.length == 1
                    ? 0
                    : KrumScores.lowest(KrumScores.scores(distances, remaining, byzantineUpdates), 1)[0];
            selected[s] = remaining[best];
            int[] rest = new int[remaining.length - 1];
            System.arraycopy(remaining, 0, rest, 0, best);
            System.arraycopy(remaining, best + 1, rest, best, remaining.length - best - 1);
            remaining = rest;
        }
        return selected;
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
        int theta = selected.length;
        int beta = theta - 2 * byzantineUpdates;
        float[] column = new float[theta];
        float[] sorted = new float[theta];
        Integer[] order = new Integer[theta];
        for (int i = 0; i < global.length; i++) {
            for (int s = 0; s < theta; s++) {
                column[s] = deltas.get(selected[s])[i];
                order[s] = s;
            }
            System.arraycopy(column, 0, sorted, 0, theta);
            Arrays.sort(sorted);
            double median = Columns.medianOfSorted(sorted);
            // stable sort: equally distant values keep selection order
            Arrays.sort(order, Comparator.comparingDouble(s -> Math.abs(column[s] - median)));
            double sum = 0;
            for (int j = 0; j < beta; j++) {
                sum += column[order[j]];
            }
            global[i] = (float) (global[i] + sum / beta);
        }
    }
}
