package org.fedflink.federation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far a round that carries less than usual moves the global model. Two shares, multiplied:
 * <ul>
 *   <li>updates: {@code min(1, updates / usual)}, usual being the smaller of the round target and
 *       the typical round's updates (a moving average), for a round the timeout or the end of the
 *       input closed early;
 *   <li>examples: {@code min(1, sum(n_i) / sum(usual_i))}, usual_i being what source {@code i}
 *       typically reports (a moving average per source), for updates that are remainders: the
 *       examples a busy source had gathered when an event-time boundary or the end of the input
 *       made it report.
 * </ul>
 *
 * <p>Why: a round averages its updates, so a round of three updates moves the model as far as one
 * of fifty, and a round of remainders as far as one of whole updates, each in the direction of a
 * few examples of each source and from the versions they started at. Such rounds come in bursts
 * (every source reports its remainder at a boundary) and at the end of the input, so the version
 * users get is often one of them: Fashion-MNIST over 100 Dirichlet(0.5) sources ended on rounds
 * of remainders that took the holdout accuracy from 0.836 to 0.813. Dividing by the usual instead
 * of the round's own is FedAvg's unbiased form under partial participation (the expected, not
 * the realised, participants).
 *
 * <p>Both are measured against what is usual, not against the configuration, so that rounds that
 * always close on the timeout (fewer sources than the target) and sources whose every update is a
 * remainder (a Debian maintainer with a few packages a minute) keep whole steps, and rounds made
 * small on purpose (after a drift the target drops) count as whole. Not thread-safe; {@link
 * #toState} and {@link #of} carry it through a checkpoint.
 */
public final class ShortRounds {

    /** Weight of the newest round (or update of a source) in the averages: about the last ten count. */
    static final double SMOOTHING = 0.1;
    /** Sources whose usual report is kept; the least recently heard from go first. */
    static final int MAX_SOURCES = 100_000;

    private double roundUpdates;
    private final LinkedHashMap<String, Double> usualSamples = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Double> eldest) {
            return size() > MAX_SOURCES;
        }
    };

    private ShortRounds() {
    }

    /** No rounds seen yet: the first round is whole, and so is a source's first update. */
    public static ShortRounds fresh() {
        return new ShortRounds();
    }

    /** The state: the typical round's updates, and each source's typical examples per update. */
    public record State(double roundUpdates, String[] sources, double[] usualSamples) {
    }

    /** From {@link #toState}; null fields (a checkpoint from before) start fresh. */
    public static ShortRounds of(State state) {
        ShortRounds rounds = fresh();
        if (state != null) {
            rounds.roundUpdates = state.roundUpdates();
            if (state.sources() != null && state.usualSamples() != null) {
                for (int i = 0; i < Math.min(state.sources().length, state.usualSamples().length); i++) {
                    rounds.usualSamples.put(state.sources()[i], state.usualSamples()[i]);
                }
            }
        }
        return rounds;
    }

    public State toState() {
        String[] sources = usualSamples.keySet().toArray(new String[0]);
        double[] usual = new double[sources.length];
        int i = 0;
        for (double u : usualSamples.values()) {
            usual[i++] = u;
        }
        return new State(roundUpdates, sources, usual);
    }

    /** One update of a round: its source and its examples. */
    public record Update(String source, long samples) {
    }

    /**
     * The share of a whole step a round of {@code updates} takes, then counts the round in the
     * averages.
     *
     * @param target how many updates close a round at the moment
     */
    public double share(List<Update> updates, int target) {
        if (updates.isEmpty() || target < 1) {
            throw new IllegalArgumentException(
                    "a round needs updates and a target >= 1, got " + updates.size() + " and " + target);
        }
        int count = updates.size();
        double updateShare = roundUpdates > 0 ? Math.min(1, count / Math.min(target, roundUpdates)) : 1;
        roundUpdates = roundUpdates > 0 ? roundUpdates + SMOOTHING * (count - roundUpdates) : count;
        double samples = 0;
        double usual = 0;
        for (Update u : updates) {
            if (u.samples() < 0) {
                throw new IllegalArgumentException("samples must be >= 0, got " + u.samples());
            }
            Double before = usualSamples.get(u.source());
            double typical = before == null ? u.samples() : before;
            samples += u.samples();
            usual += typical;
            usualSamples.put(u.source(), typical + SMOOTHING * (u.samples() - typical));
        }
        double sampleShare = usual > 0 ? Math.min(1, samples / usual) : 1;
        return updateShare * sampleShare;
    }

    /**
     * {@link #scaleStep(float[], float[], double)} for a step that moved only {@code coordinates}:
     * {@code before[k]} is the value at {@code coordinates[k]} before it.
     */
    public static void scaleStep(float[] before, float[] after, double share, int[] coordinates) {
        if (before.length != coordinates.length) {
            throw new IllegalArgumentException(
                    before.length + " values before the step for " + coordinates.length + " coordinates");
        }
        if (share >= 1) {
            return;
        }
        for (int k = 0; k < coordinates.length; k++) {
            int i = coordinates[k];
            after[i] = (float) (before[k] + share * ((double) after[i] - before[k]));
        }
    }

    /** Shortens the step from {@code before} to {@code after} to {@code share} of it, in place in {@code after}. */
    public static void scaleStep(float[] before, float[] after, double share) {
        if (before.length != after.length) {
            throw new IllegalArgumentException("lengths differ: " + before.length + " and " + after.length);
        }
        if (share >= 1) {
            return;
        }
        for (int i = 0; i < after.length; i++) {
            after[i] = (float) (before[i] + share * ((double) after[i] - before[i]));
        }
    }
}
