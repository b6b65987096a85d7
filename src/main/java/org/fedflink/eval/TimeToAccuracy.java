package org.fedflink.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Time to accuracy: how many examples and seconds a learner needed until its holdout accuracy first
 * reached a share (95 %, 99 %) of its final value, read off the curve of its scored versions (the
 * rows of {@code metrics.csv}: samples in the model, creation time, holdout accuracy).
 *
 * <p>The first crossing counts: a curve that reaches the target, falls below it and comes back is
 * timed at its first arrival. The final value is the accuracy of the last scored version (the final
 * version of a finished run is always scored). Versions without a score (NaN) are passed over.
 */
public final class TimeToAccuracy {

    /** The shares of the final accuracy that are timed, in percent. */
    public static final List<Integer> PERCENTS = List.of(95, 99);

    /**
     * Slack of the comparison: {@code metrics.csv} keeps six decimals, so a version whose rounded
     * accuracy is the target to the last digit counts as reaching it.
     */
    private static final double TOLERANCE = 1e-9;

    private TimeToAccuracy() {}

    /**
     * One version on the curve.
     *
     * @param examples the examples folded into the version ({@code samplesInModel})
     * @param createdMillis when the version was made (epoch milliseconds)
     * @param accuracy its holdout accuracy, NaN when it was not scored
     */
    public record Point(long examples, long createdMillis, double accuracy) {}

    /**
     * Where a target was first reached.
     *
     * @param examples the examples folded into the first version at or above the target
     * @param seconds from the job's start to that version's creation; null when the version is older
     *     than the job (made by the job a resumed run continues)
     */
    public record Reached(long examples, Double seconds) {}

    /** The accuracy of the last scored point, NaN when none was scored. */
    public static double finalValue(List<Point> curve) {
        for (int i = curve.size() - 1; i >= 0; i--) {
            if (!Double.isNaN(curve.get(i).accuracy())) {
                return curve.get(i).accuracy();
            }
        }
        return Double.NaN;
    }

    /** {@link #compute(List, double, long)} against the curve's own final value. */
    public static Map<Integer, Reached> compute(List<Point> curve, long startMillis) {
        return compute(curve, finalValue(curve), startMillis);
    }

    /**
     * For each of {@link #PERCENTS}, the first point of {@code curve} (in order) whose accuracy is at
     * least that share of {@code finalValue}.
     *
     * @param startMillis when the job started (epoch milliseconds), the zero of {@code seconds}
     * @return every percent, in order, mapped to where it was reached, or to null when no point
     *     reached it (or {@code finalValue} is NaN)
     */
    public static Map<Integer, Reached> compute(List<Point> curve, double finalValue, long startMillis) {
        Map<Integer, Reached> out = new LinkedHashMap<>();
        for (int percent : PERCENTS) {
            out.put(percent, Double.isNaN(finalValue) ? null : first(curve, percent / 100.0 * finalValue, startMillis));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Reached first(List<Point> curve, double target, long startMillis) {
        for (Point p : curve) {
            if (!Double.isNaN(p.accuracy()) && p.accuracy() >= target - TOLERANCE) {
                long millis = p.createdMillis() - startMillis;
                return new Reached(p.examples(), millis >= 0 ? millis / 1000.0 : null);
            }
        }
        return null;
    }
}
