package org.fedflink.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The drift figures of a prequential (predict, then learn) accuracy curve: the same computation for
 * MOA's reference curve (read from its dump) and for the federated and centralized models' curves
 * (made here from their per-example outcomes), so every row of a drift table is measured alike.
 *
 * <ul>
 *   <li>{@code prequentialAccuracy}: the fraction predicted right over the whole stream.
 *   <li>{@code recoveryExamples}: for each change, the <em>level</em> is the window accuracy at the
 *       change's start (its position for an abrupt change; {@code position - width / 2} for a gradual
 *       one, where MOA's sigmoid begins); the window must then fall more than {@value #BAND_POINTS}
 *       points below the level (before the next change starts; if it never does, the recovery is 0)
 *       and the recovery is the examples from the change's start until it is back within
 *       {@value #BAND_POINTS} points of the level. A change after which the window never comes back
 *       counts the stream's remaining length and is counted in {@code unrecoveredChanges}. The figure
 *       is the largest over the changes. A change before the curve's first point is not measured.
 *   <li>{@code minWindowAccuracy}: the lowest window once the first window is full (from
 *       {@code window} examples on).
 * </ul>
 *
 * <p>Accuracies are fractions in [0, 1] (MOA's percentages are divided by 100 when read). A curve
 * is a list of {@link Point}s: the accuracy of the last {@code window} examples at a stream position.
 */
public final class DriftFigures {

    /** The window of the suite's curves, as MOA's {@code WindowClassificationPerformanceEvaluator -w 500}. */
    public static final int WINDOW = 500;

    /** How often a curve is sampled, in examples, as MOA's {@code EvaluatePrequential -f 100}. */
    public static final int EVERY = 100;

    /** The recovery band in percentage points. */
    public static final int BAND_POINTS = 3;

    private static final double BAND = BAND_POINTS / 100.0;

    /**
     * One point of a curve.
     *
     * @param examples the stream examples seen so far (the window ends with the {@code examples}-th)
     * @param accuracy the accuracy over the window ending there, in [0, 1]
     */
    public record Point(long examples, double accuracy) {}

    /**
     * Where the concept changes.
     *
     * @param position the stream position of the change (examples before it; MOA's {@code -p})
     * @param width the examples the change takes (MOA's {@code -w}; 1 is abrupt)
     */
    public record Change(long position, long width) {

        public Change {
            if (position < 0 || width < 1) {
                throw new IllegalArgumentException("a change needs position >= 0 and width >= 1, got " + position
                        + " and " + width);
            }
        }

        /** Where the change starts: {@code position - width / 2}, at least 0. */
        public long start() {
            return Math.max(0, position - width / 2);
        }

        /** Changes at the given positions, all of the same width. */
        public static List<Change> at(List<? extends Number> positions, long width) {
            return positions.stream().map(p -> new Change(p.longValue(), width)).toList();
        }
    }

    /**
     * What happened after one change.
     *
     * @param level the window accuracy at the change's start
     * @param examples examples from the start until the window was back within the band (0 when it
     *     never left it; the stream's remaining length when it never came back)
     * @param recovered whether it came back (or never left)
     */
    public record Recovery(Change change, double level, long examples, boolean recovered) {}

    /**
     * The figures of one curve.
     *
     * @param prequentialAccuracy over the whole stream, or NaN when the curve does not tell it
     * @param minWindowAccuracy the lowest full window, or NaN when the curve has none
     * @param recoveries one per measured change, in stream order
     */
    public record Figures(double prequentialAccuracy, double minWindowAccuracy, List<Recovery> recoveries) {

        public Figures {
            recoveries = List.copyOf(recoveries);
        }

        /** The largest recovery over the changes, or -1 when no change was measured. */
        public long recoveryExamples() {
            return recoveries.stream().mapToLong(Recovery::examples).max().orElse(-1);
        }

        /** How many changes the window never came back from. */
        public int unrecoveredChanges() {
            return (int) recoveries.stream().filter(r -> !r.recovered()).count();
        }

        /**
         * The figures by their {@code quality.json} names: {@code prequentialAccuracy},
         * {@code minWindowAccuracy}, and when a change was measured {@code recoveryExamples} and
         * {@code unrecoveredChanges}; a figure that is not known is absent.
         */
        public Map<String, Double> asMap() {
            Map<String, Double> figures = new LinkedHashMap<>();
            if (!Double.isNaN(prequentialAccuracy)) {
                figures.put("prequentialAccuracy", prequentialAccuracy);
            }
            if (!recoveries.isEmpty()) {
                figures.put("recoveryExamples", (double) recoveryExamples());
                figures.put("unrecoveredChanges", (double) unrecoveredChanges());
            }
            if (!Double.isNaN(minWindowAccuracy)) {
                figures.put("minWindowAccuracy", minWindowAccuracy);
            }
            return figures;
        }
    }

    private DriftFigures() {}

    /**
     * The figures of a sampled curve (MOA's dump). The whole-stream accuracy is the mean of the
     * windows that tile the stream (those ending at {@code window}, {@code 2 window}, ..., {@code
     * streamLength}), which is exactly the fraction predicted right; it is NaN when the curve lacks
     * one of them or {@code streamLength} is not a multiple of {@code window}.
     *
     * @param curve points in increasing {@code examples}
     * @param streamLength the examples of the stream
     * @param changes where the concept changes, in any order
     * @param window the examples of a window
     */
    public static Figures ofCurve(List<Point> curve, long streamLength, List<Change> changes, int window) {
        checkCurve(curve);
        double tiles = 0;
        int tileCount = 0;
        for (Point p : curve) {
            if (p.examples() > 0 && p.examples() % window == 0) {
                tiles += p.accuracy();
                tileCount++;
            }
        }
        boolean tiled = streamLength % window == 0 && tileCount == streamLength / window && tileCount > 0;
        return figures(curve, streamLength, changes, window, tiled ? tiles / tileCount : Double.NaN);
    }

    /**
     * The figures of per-example outcomes (a model's predictions made before it learned each
     * example). The curve is the accuracy of the last {@code window} outcomes, taken after every
     * {@code every}-th outcome, at the stream position of that outcome (+ 1); without gaps in the
     * positions this is exactly MOA's curve. The whole-stream accuracy is exact.
     *
     * @param positions each outcome's 0-based stream position (any order, distinct)
     * @param correct whether the prediction was right, per outcome
     * @param streamLength the examples of the stream (the end for a change never recovered from)
     */
    public static Figures ofOutcomes(long[] positions, boolean[] correct, long streamLength, List<Change> changes,
            int window, int every) {
        List<Point> curve = curve(positions, correct, window, every);
        long right = 0;
        for (boolean c : correct) {
            right += c ? 1 : 0;
        }
        return figures(curve, streamLength, changes, window,
                correct.length == 0 ? Double.NaN : (double) right / correct.length);
    }

    /**
     * The window curve of per-example outcomes, as {@link #ofOutcomes} describes.
     *
     * @throws IllegalArgumentException if the arrays differ in length, a position repeats, or
     *     {@code window} or {@code every} is below 1
     */
    public static List<Point> curve(long[] positions, boolean[] correct, int window, int every) {
        if (positions.length != correct.length) {
            throw new IllegalArgumentException(positions.length + " positions but " + correct.length + " outcomes");
        }
        if (window < 1 || every < 1) {
            throw new IllegalArgumentException("window and every must be >= 1, got " + window + " and " + every);
        }
        Integer[] order = new Integer[positions.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> positions[i]));
        List<Point> curve = new ArrayList<>(positions.length / every + 1);
        boolean[] ring = new boolean[window];
        int inWindow = 0;
        int right = 0;
        for (int n = 0; n < order.length; n++) {
            int i = order[n];
            if (n > 0 && positions[i] == positions[order[n - 1]]) {
                throw new IllegalArgumentException("position " + positions[i] + " has two outcomes");
            }
            int slot = n % window;
            if (inWindow == window) {
                right -= ring[slot] ? 1 : 0;
            } else {
                inWindow++;
            }
            ring[slot] = correct[i];
            right += correct[i] ? 1 : 0;
            if ((n + 1) % every == 0) {
                curve.add(new Point(positions[i] + 1, (double) right / inWindow));
            }
        }
        return curve;
    }

    private static Figures figures(List<Point> curve, long streamLength, List<Change> changes, int window,
            double prequential) {
        double min = Double.NaN;
        for (Point p : curve) {
            if (p.examples() >= window && !(p.accuracy() >= min)) {
                min = p.accuracy();
            }
        }
        List<Change> sorted = new ArrayList<>(changes);
        sorted.sort(Comparator.comparingLong(Change::start));
        List<Recovery> recoveries = new ArrayList<>();
        for (int c = 0; c < sorted.size(); c++) {
            long nextStart = c + 1 < sorted.size() ? sorted.get(c + 1).start() : Long.MAX_VALUE;
            Recovery r = recovery(curve, streamLength, sorted.get(c), nextStart);
            if (r != null) {
                recoveries.add(r);
            }
        }
        return new Figures(prequential, min, recoveries);
    }

    /** The recovery after one change, or null when the curve has no point at or before its start. */
    private static Recovery recovery(List<Point> curve, long streamLength, Change change, long nextStart) {
        long start = change.start();
        int at = -1;
        for (int i = 0; i < curve.size() && curve.get(i).examples() <= start; i++) {
            at = i;
        }
        if (at < 0) {
            return null;
        }
        double level = curve.get(at).accuracy();
        int left = -1;
        for (int i = at + 1; i < curve.size() && curve.get(i).examples() < nextStart; i++) {
            if (curve.get(i).accuracy() < level - BAND - 1e-12) {
                left = i;
                break;
            }
        }
        if (left < 0) {
            return new Recovery(change, level, 0, true);
        }
        for (int i = left + 1; i < curve.size(); i++) {
            if (curve.get(i).accuracy() >= level - BAND - 1e-12) {
                return new Recovery(change, level, curve.get(i).examples() - start, true);
            }
        }
        return new Recovery(change, level, Math.max(0, streamLength - start), false);
    }

    private static void checkCurve(List<Point> curve) {
        for (int i = 1; i < curve.size(); i++) {
            if (curve.get(i).examples() <= curve.get(i - 1).examples()) {
                throw new IllegalArgumentException("curve points must be in increasing examples, got "
                        + curve.get(i - 1).examples() + " then " + curve.get(i).examples());
            }
        }
    }
}
