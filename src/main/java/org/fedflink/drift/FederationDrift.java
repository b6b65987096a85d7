package org.fedflink.drift;

/**
 * How the server reacts to concept drift, as plain logic: a detector over the
 * {@link DriftSettings#error errors} of every example folded into the global model, in the order
 * they are folded, and what follows a detection:
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
 * <p>Its whole state is {@link #drifts()}, {@link #smallRoundsLeft()} and {@link #detectorState()},
 * which {@link #of} takes back. Not thread-safe: one per aggregator subtask.
 */
public final class FederationDrift extends ErrorWatcher {

    /** Rounds closed small after a detection. */
    public static final int SMALL_ROUNDS = 4;
    /** A small round is the usual round size divided by this (rounded up). */
    public static final int SMALL_ROUND_DIVISOR = 4;

    private long drifts;
    private int smallRoundsLeft;

    private FederationDrift(DriftSettings settings, boolean classifier, double[] detectorState, long drifts,
            int smallRoundsLeft) {
        super(settings.federation(), settings, classifier, detectorState);
        this.drifts = drifts;
        this.smallRoundsLeft = smallRoundsLeft;
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
     * @throws IllegalArgumentException if a count is negative or the detector state is not one
     *     this build reads
     */
    public static FederationDrift of(DriftSettings settings, boolean classifier, long drifts, int smallRoundsLeft,
            double[] detectorState) {
        if (drifts < 0 || smallRoundsLeft < 0) {
            throw new IllegalArgumentException("drifts and smallRoundsLeft must be >= 0, got " + drifts + " and "
                    + smallRoundsLeft);
        }
        return new FederationDrift(settings, classifier, detectorState, drifts, smallRoundsLeft);
    }

    /**
     * Feeds one folded example's outcome. On a detection the count goes up and the next
     * {@value #SMALL_ROUNDS} rounds close small.
     *
     * @return whether a drift was detected at this example (the caller resets the server
     *     optimizer's state and tells the sources through the count); always false without a
     *     detector or for an example whose loss is not finite
     */
    public boolean observe(double loss, boolean correct) {
        if (!fires(loss, correct)) {
            return false;
        }
        drifts++;
        smallRoundsLeft = SMALL_ROUNDS;
        return true;
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

    @Override
    public String toString() {
        return "FederationDrift[watch=" + watched() + ", drifts=" + drifts + ", smallRoundsLeft=" + smallRoundsLeft
                + "]";
    }
}
