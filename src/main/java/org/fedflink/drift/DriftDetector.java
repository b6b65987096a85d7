package org.fedflink.drift;

/**
 * A change detector on a stream of numbers: it is fed one observation at a time, such as an
 * example's 0/1 prequential error or its loss, and says at which observation the stream's mean
 * changed (concept drift). A trainer keeps one per source and the aggregator one for the
 * federation, each fed in the order the examples were learnt.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>{@link #update} folds in one finite observation and returns true exactly when a change is
 *       detected at it. What follows a detection is the detector's own: ADWIN has already dropped
 *       the older part of its window, Page-Hinkley starts afresh at the next observation. The
 *       caller never needs to {@link #reset()} after a detection.
 *   <li>{@link #statistic()} is the figure that crossed the detector's threshold at the most
 *       recent detection (for a {@code drifts.csv} row), NaN while there has been none since the
 *       detector was made or reset.
 *   <li>{@link #toState()} and {@link #fromState(double[])} round-trip everything, settings
 *       included: a restored detector fed the same observations returns the same answers as the
 *       original, bit for bit. The array starts with its format version.
 *   <li>{@code toString()} shows every setting.
 * </ul>
 *
 * <p>Implementations are not thread-safe; an operator keeps one per key.
 */
public interface DriftDetector {

    /**
     * Folds in one observation.
     *
     * @return true if a change is detected at this observation
     * @throws IllegalArgumentException if {@code value} is NaN or infinite
     */
    boolean update(double value);

    /**
     * The figure that crossed the threshold at the most recent detection (ADWIN: the difference of
     * the two sub-window means; Page-Hinkley: the cumulative deviation), NaN when there has been no
     * detection since the detector was made or reset.
     */
    double statistic();

    /**
     * The mean of the observations the detector holds for the current state of the stream: ADWIN's
     * window (after a detection, the part after the change); Page-Hinkley's observations since
     * its cumulative sum was last at its minimum (after a rise, those after the change). NaN
     * before any observation.
     */
    double recentMean();

    /** The detector's kind as configuration names it: {@code adwin} or {@code page-hinkley}. */
    String name();

    /** The settings this detector was made with (also those of a restored one). */
    DetectorConfig config();

    /** Observations folded in since the detector was made or reset. */
    long observations();

    /** Forgets every observation and detection; the settings stay. */
    void reset();

    /**
     * The whole detector, settings and running figures, as one array:
     * {@code [format version, kind, settings..., running figures...]}; see each detector for its
     * layout.
     */
    double[] toState();

    /** The heap this detector takes, estimated ({@link org.fedflink.model.HeapBytes}). */
    long heapBytes();

    /**
     * The detector whose {@link #toState()} this is, of whichever kind it names.
     *
     * @throws IllegalArgumentException if the array is not a state this build reads, naming the
     *     unknown version or kind, or what does not fit
     */
    static DriftDetector fromState(double[] state) {
        return fromState(state, null);
    }

    /**
     * The same, holding {@code shared} as its configuration when that equals the state's: a
     * trainer restores a detector per source from keyed state, which need not each carry a copy.
     */
    static DriftDetector fromState(double[] state, DetectorConfig shared) {
        return DetectorState.kind(state) == DetectorState.ADWIN
                ? Adwin.fromState(state, shared instanceof AdwinConfig a ? a : null)
                : PageHinkley.fromState(state, shared instanceof PageHinkleyConfig p ? p : null);
    }
}
