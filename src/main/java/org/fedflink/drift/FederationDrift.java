package org.fedflink.drift;

import java.util.ArrayList;
import java.util.List;

/**
 * How the server reacts to concept drift, as plain logic: a detector over the
 * {@link DriftSettings#error errors} of every example folded into the global model, in the order
 * they are folded, each taken as its {@link SourceBaselines#excess excess} over its own source's
 * usual error (so that the order in which sources' updates arrive is not taken for a change), and
 * what follows a detection:
 *
 * <ul>
 *   <li>the count of federation drifts goes up; the global models carry it, and every source that
 *       adopts one restarts its optimizer and schedule ({@link DriftReaction#followFederation});
 *   <li>the caller resets the server optimizer's state (momentum, adaptive moments), which
 *       remembers the rounds before the change;
 *   <li>the next {@value #SMALL_ROUNDS} rounds close small ({@link #roundTarget}): a quarter of
 *       the usual size (never below what the strategy needs), so that the updates made after the
 *       change move the model a few rounds earlier. Four rounds of a quarter are one round's worth
 *       of updates; small rounds over non-IID sources pull the model back and forth
 *       ({@code aggregate.RoundSize}), so they stay few.
 * </ul>
 *
 * <p>Its whole state is {@link #drifts()}, {@link #smallRoundsLeft()}, {@link #detectorState()}
 * and {@link #baselines()}, which {@link #of} takes back. Not thread-safe: one per aggregator subtask.
 */
public final class FederationDrift extends ErrorWatcher {

    /** Rounds closed small after a detection. */
    public static final int SMALL_ROUNDS = 4;
    /** A small round is the usual round size divided by this (rounded up). */
    public static final int SMALL_ROUND_DIVISOR = 4;
    /** The rise of a classifier's recent errors over their sources' levels a detection needs. */
    public static final double MIN_RISE = 0.03;
    /** The rise of recent losses over their sources' levels a detection needs, as a share of the level. */
    public static final double MIN_RELATIVE_RISE = 0.1;

    private long drifts;
    private int smallRoundsLeft;
    private final SourceBaselines baselines;

    private FederationDrift(DriftSettings settings, boolean classifier, double[] detectorState, long drifts,
            int smallRoundsLeft, SourceBaselines baselines) {
        super(settings.federation(), settings, classifier, detectorState);
        this.drifts = drifts;
        this.smallRoundsLeft = smallRoundsLeft;
        this.baselines = baselines;
    }

    /**
     * The server's reaction, fresh or as its checkpoint holds it.
     *
     * @param classifier whether the model is a classifier (fed 0/1 errors) or a regression (losses)
     * @param drifts federation drifts detected so far
     * @param smallRoundsLeft rounds still to close small
     * @param detectorState the detector ({@link DriftDetector#toState()}), or null for a fresh one;
     *     ignored when the settings do not watch the federation, and replaced by a fresh detector
     *     when it was made with other settings
     * @param baselines the sources' levels ({@link SourceBaselines#toState()}), or null for none
     * @throws IllegalArgumentException if a count is negative or a state is not one this build
     *     reads
     */
    public static FederationDrift of(DriftSettings settings, boolean classifier, long drifts, int smallRoundsLeft,
            double[] detectorState, SourceBaselines.State baselines) {
        if (drifts < 0 || smallRoundsLeft < 0) {
            throw new IllegalArgumentException("drifts and smallRoundsLeft must be >= 0, got " + drifts + " and "
                    + smallRoundsLeft);
        }
        return new FederationDrift(settings, classifier, detectorState, drifts, smallRoundsLeft,
                SourceBaselines.fromState(baselines));
    }

    /**
     * Feeds one folded example's outcome. On a detection the count goes up and the next
     * {@value #SMALL_ROUNDS} rounds close small.
     *
     * @param source the source whose update held the example
     * @return whether a drift was detected at this example (the caller resets the server
     *     optimizer's state and tells the sources through the count); always false without a
     *     detector, for an example whose loss is not finite, while its source's level is
     *     {@link SourceBaselines#WARM_UP warming up}, or when the detector fires but the recent
     *     examples are not {@link #risen() above their sources' levels} by enough
     */
    public boolean observe(String source, double loss, boolean correct) {
        return detects() && drifted(baselines.excess(source, error(loss, correct)));
    }

    /**
     * Feeds the outcomes of one update's examples, in order, as {@link #observe} one by one.
     *
     * @param source the source whose update held them
     * @param losses each example's loss
     * @param correct whether each was predicted right: bit {@code i % 64} of word {@code i / 64}
     * @return the statistic of each detection among them (usually none)
     */
    public List<Double> observeUpdate(String source, float[] losses, long[] correct) {
        if (!detects()) {
            return List.of();
        }
        List<Double> detections = new ArrayList<>(1);
        double[] level = null;
        for (int i = 0; i < losses.length; i++) {
            double error = error(losses[i], (correct[i >>> 6] & (1L << i)) != 0);
            if (Double.isNaN(error)) {
                continue;
            }
            if (level == null) {
                level = baselines.levelOf(source);
            }
            if (drifted(baselines.excess(level, error))) {
                detections.add(statistic());
                level = null; // the levels start anew at a drift
            }
        }
        return detections;
    }

    /** Feeds the detector one excess; on a drift counts it and starts the sources' levels anew. */
    private boolean drifted(double excess) {
        if (!firesOn(excess) || !risen()) {
            return false;
        }
        detected();
        baselines.clear();
        drifts++;
        smallRoundsLeft = SMALL_ROUNDS;
        return true;
    }

    /**
     * Whether the examples the detector holds for the stream's current state (its window after a
     * cut: {@link DriftDetector#recentMean()}) are above their sources' levels by at least
     * {@value #MIN_RISE} (a classifier's 0/1 errors: 3 points of accuracy) or, for losses,
     * {@value #MIN_RELATIVE_RISE} of the level. A federation is not a stationary stream even when
     * its concept is: the served model swings from round to round, sources' errors move as they take
     * a global model, and a source's level lags its errors while it learns (they run below it, then
     * come back up to it). ADWIN's window grows to tens of thousands of examples there and finds
     * such moves of a point or two significant: on the quickstart, a detection in every run, each
     * restarting every source. Until the rise is large enough the detector carries on with its
     * window cut, so a real change is taken at a later cut of the same step. SEA's abrupt changes
     * raise the errors by about 10 points, the hyperplane's rotation by about 4.
     */
    private boolean risen() {
        double excess = recentMean();
        return classifier() ? excess >= MIN_RISE : excess >= MIN_RELATIVE_RISE * baselines.recentLevel();
    }

    /**
     * How many updates close the round being collected: {@code usual}, or after a detection a
     * quarter of it (rounded up), at least {@code minUpdates}.
     */
    public int roundTarget(int usual, int minUpdates) {
        if (smallRoundsLeft == 0) {
            return usual;
        }
        int small = (usual + SMALL_ROUND_DIVISOR - 1) / SMALL_ROUND_DIVISOR;
        return Math.max(Math.max(1, minUpdates), small);
    }

    /** Notes that a round closed (call it before feeding the round's examples). */
    public void roundClosed() {
        if (smallRoundsLeft > 0) {
            smallRoundsLeft--;
        }
    }

    /** Federation drifts detected so far. */
    public long drifts() {
        return drifts;
    }

    /** Rounds still to close small. */
    public int smallRoundsLeft() {
        return smallRoundsLeft;
    }

    /** The sources' levels, for a checkpoint; null without a detector (none are kept). */
    public SourceBaselines.State baselines() {
        return detects() ? baselines.toState() : null;
    }

    @Override
    public String toString() {
        return "FederationDrift[watch=" + watched() + ", drifts=" + drifts + ", smallRoundsLeft=" + smallRoundsLeft
                + "]";
    }
}
