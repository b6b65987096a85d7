package org.fedflink.federation;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-source reputation: how consistently a source's updates point the way the majority of a
 * round's updates point. Each round, the reference direction is the coordinate-wise median of the
 * round's deltas (robust while fewer than half of them are arbitrary), and a source's score moves
 * to {@code decay * score + (1 - decay) * max(0, cos(delta, median))}. New sources start at 1.
 * Before aggregating, {@link #weigh} bounds each delta by the round's median update norm and
 * scales it by its source's score relative to the round's mean, so a source that keeps sending
 * updates against the majority (a sign flip, a boosted reversal, noise) fades out of the model
 * within a few rounds, while an honest source whose data differ from the rest (non-IID) keeps a
 * positive score, its updates still agreeing in part with the others. The norm bound is what
 * FLTrust (Cao, Fang, Liu and Gong, NDSS 2021) does with a trusted server update; here the
 * round's own median stands in for it, and the score remembers past rounds.
 *
 * <p>This is a heuristic defence for evaluation (it gives no formal guarantee, unlike the robust
 * rules' breakdown points) and it composes with any strategy. Mutable, not thread-safe; its
 * state is {@link #toState} / {@link #fromState} for checkpoints.
 */
public final class Reputation {

    private final double decay;
    private final Map<String, Double> scores;

    /**
     * @param decay how much of a source's score one round keeps, in {@code [0, 1)}
     * @throws IllegalArgumentException if {@code decay} is not in {@code [0, 1)}
     */
    public Reputation(double decay) {
        this(decay, new HashMap<>());
    }

    private Reputation(double decay, Map<String, Double> scores) {
        Knobs.decay("reputationDecay", decay);
        this.decay = decay;
        this.scores = scores;
    }

    /** The score of {@code source}: 1 for a source not seen yet. */
    public double score(String source) {
        return scores.getOrDefault(source, 1.0);
    }

    /** Number of sources scored so far. */
    public int size() {
        return scores.size();
    }

    /**
     * Scores one round: {@code sources.get(k)} sent {@code deltas.get(k)} (a source may appear more
     * than once; each update moves its score). Non-finite deltas are ignored (the strategies reject
     * them), as is a round of fewer than 3 finite updates, where a median is no majority.
     */
    public void observe(List<String> sources, List<float[]> deltas) {
        if (sources.size() != deltas.size()) {
            throw new IllegalArgumentException("sources and deltas differ in length: " + sources.size() + " and "
                    + deltas.size());
        }
        List<float[]> finite = deltas.stream().filter(Vectors::allFinite).toList();
        if (finite.size() < 3) {
            return;
        }
        float[] median = coordinateMedian(finite);
        double medianNorm = Vectors.l2Norm(median);
        for (int k = 0; k < deltas.size(); k++) {
            float[] d = deltas.get(k);
            if (!Vectors.allFinite(d)) {
                continue;
            }
            double agreement = Math.max(0, cosine(d, median, medianNorm));
            String source = sources.get(k);
            scores.put(source, decay * score(source) + (1 - decay) * agreement);
        }
    }

    /**
     * The deltas the strategy should aggregate: each finite delta scaled to at most the round's
     * median update norm (so a boosted update cannot outweigh the others) and by its source's
     * score relative to the round's mean score (so the step keeps its size when every source
     * agrees only in part, as on non-IID data, and only the outliers shrink). Non-finite deltas
     * are passed on unchanged, for the strategy to reject.
     */
    public List<float[]> weigh(List<String> sources, List<float[]> deltas) {
        double[] norms = new double[deltas.size()];
        double meanScore = 0;
        int finite = 0;
        for (int k = 0; k < deltas.size(); k++) {
            if (Vectors.allFinite(deltas.get(k))) {
                norms[finite++] = Vectors.l2Norm(deltas.get(k));
                meanScore += score(sources.get(k));
            }
        }
        if (finite == 0) {
            return deltas;
        }
        meanScore /= finite;
        double[] sorted = Arrays.copyOf(norms, finite);
        Arrays.sort(sorted);
        double medianNorm = finite % 2 == 1 ? sorted[finite / 2] : (sorted[finite / 2 - 1] + sorted[finite / 2]) / 2;
        List<float[]> out = new java.util.ArrayList<>(deltas.size());
        for (int k = 0; k < deltas.size(); k++) {
            float[] d = deltas.get(k);
            if (!Vectors.allFinite(d)) {
                out.add(d);
                continue;
            }
            double factor = Vectors.clipFactor(Vectors.l2Norm(d), medianNorm)
                    * (meanScore > 0 ? score(sources.get(k)) / meanScore : 1);
            float[] w = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                w[i] = (float) (d[i] * factor);
            }
            out.add(w);
        }
        return out;
    }

    static float[] coordinateMedian(List<float[]> deltas) {
        int length = deltas.get(0).length;
        float[] median = new float[length];
        float[] column = new float[deltas.size()];
        for (int i = 0; i < length; i++) {
            Columns.fill(column, deltas, i);
            Arrays.sort(column);
            median[i] = (float) Columns.medianOfSorted(column);
        }
        return median;
    }

    private static double cosine(float[] a, float[] b, double normB) {
        double normA = Vectors.l2Norm(a);
        if (normA == 0 || normB == 0) {
            return 0;
        }
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * (double) b[i];
        }
        return dot / (normA * normB);
    }

    /** Sources and scores, for checkpointed state. */
    public State toState() {
        String[] names = scores.keySet().toArray(new String[0]);
        Arrays.sort(names);
        double[] values = new double[names.length];
        for (int i = 0; i < names.length; i++) {
            values[i] = scores.get(names[i]);
        }
        return new State(names, values);
    }

    /** A reputation restored from {@link #toState}. */
    public static Reputation fromState(double decay, State state) {
        Map<String, Double> scores = new HashMap<>();
        for (int i = 0; i < state.sources().length; i++) {
            scores.put(state.sources()[i], state.scores()[i]);
        }
        return new Reputation(decay, scores);
    }

    /** The scores of {@link #toState}, sorted by source. */
    public record State(String[] sources, double[] scores) {}
}
