package org.fedflink.federation;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The Krum score of Blanchard, El Mhamdi, Guerraoui and Stainer, "Machine Learning with
 * Adversaries: Byzantine Tolerant Gradient Descent", NeurIPS 2017: the score of update {@code i}
 * among {@code r} candidates is the sum of its squared Euclidean distances to its {@code r - f - 2}
 * nearest other candidates; Krum picks the lowest score. Shared by {@link Krum},
 * {@link MultiKrum} and {@link Bulyan}. Ties are broken by the order in which updates were added,
 * so a selection is deterministic.
 */
final class KrumScores {
    private KrumScores() {}

    /** The symmetric matrix of squared distances between all deltas (computed once per round). */
    static double[][] squaredDistances(List<float[]> deltas) {
        int n = deltas.size();
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double dist = Vectors.squaredDistance(deltas.get(i), deltas.get(j));
                d[i][j] = dist;
                d[j][i] = dist;
            }
        }
        return d;
    }

    /**
     * Scores of the {@code candidates} (indices into {@code distances}) against each other. The
     * neighbour count is {@code r - f - 2}, at least 1 (as Flower, for Bulyan's late iterations
     * where few candidates remain) and at most {@code r - 1}.
     */
    static double[] scores(double[][] distances, int[] candidates, int f) {
        int r = candidates.length;
        int neighbours = Math.min(Math.max(1, r - f - 2), r - 1);
        double[] scores = new double[r];
        double[] row = new double[r - 1];
        for (int a = 0; a < r; a++) {
            int k = 0;
            for (int b = 0; b < r; b++) {
                if (b != a) {
                    row[k++] = distances[candidates[a]][candidates[b]];
                }
            }
            Arrays.sort(row);
            double score = 0;
            for (int j = 0; j < neighbours; j++) {
                score += row[j];
            }
            scores[a] = score;
        }
        return scores;
    }

    /** Positions of the {@code m} lowest scores, lowest first, ties by position. */
    static int[] lowest(double[] scores, int m) {
        return IntStream.range(0, scores.length)
                .boxed()
                .sorted(Comparator.<Integer>comparingDouble(a -> scores[a]).thenComparingInt(a -> a))
                .limit(m)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    static int[] all(int n) {
        return IntStream.range(0, n).toArray();
    }

    /** Krum's minimum round size for {@code f} Byzantine updates: {@code n > 2f + 2}. */
    static int minUpdates(int f) {
        return 2 * f + 3;
    }
}
