package org.fedflink.federation;

/**
 * The server side of SCAFFOLD's control variates (Karimireddy, Kale, Mohri, Reddi, Stich and
 * Suresh, "SCAFFOLD: Stochastic Controlled Averaging for Federated Learning", ICML 2020,
 * Algorithm 1): with {@code S} the round's sources and {@code N} all sources,
 * {@code c += (1 / N) * sum_{i in S} deltaC_i}, where {@code deltaC_i} is source {@code i}'s change
 * of its own control variate. The model update itself is FedAvg's, with a server learning rate;
 * the corrected local steps belong to the trainer. Only this server-side update lives here.
 *
 * <p>Collect a round's control deltas with {@link #newRound} (unweighted; non-finite deltas are
 * dropped and counted), then call {@link #update}.
 */
public final class ScaffoldControl {
    private ScaffoldControl() {}

    /** A round of control-variate deltas for a shard of {@code length} parameters. */
    public static RoundAccumulator newRound(int length) {
        return new SummingRound(length, false, true);
    }

    /**
     * {@code serverControl += sum(controlDeltas) / totalSources}, in place. A source may send
     * several deltas in one round (its control variate changes at each report); they add up to
     * the change of its control variate over the round, so the sum is still the paper's
     * {@code sum_{i in S} deltaC_i}.
     *
     * @throws IllegalStateException if the round has no updates
     * @throws IllegalArgumentException if the round was not created by {@link #newRound}, has a
     *     different length, or {@code totalSources < 1}
     */
    public static void update(float[] serverControl, RoundAccumulator controlDeltas, long totalSources) {
        SummingRound r = SummingRound.checkApplicable(serverControl, controlDeltas, false, "ScaffoldControl");
        if (totalSources < 1) {
            throw new IllegalArgumentException("totalSources must be >= 1, got " + totalSources);
        }
        double[] sum = r.sum();
        for (int i = 0; i < serverControl.length; i++) {
            serverControl[i] = (float) (serverControl[i] + sum[i] / totalSources);
        }
    }
}
