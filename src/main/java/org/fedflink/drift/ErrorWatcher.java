package org.fedflink.drift;

import org.fedflink.model.HeapBytes;

/**
 * What a learner's {@link DriftReaction} and the server's {@link FederationDrift} share: a detector
 * fed examples' {@link DriftSettings#error errors}, or none when the settings do not watch that
 * side. Not thread-safe.
 *
 * <p>A detection starts the detector afresh ({@link DriftDetector#reset()}): what follows it is a
 * new concept, which the learner starts to learn anew. Without the reset, ADWIN (in the mode of
 * MOA's {@code ADWINChangeDetector}) reports one step of the error several times, at consecutive
 * checks of its window, each dropping more of the examples from before the change (a step of 0.1
 * to 0.6 in the 0/1 error: detections 48, 80 and 240 examples after it), and each would restart
 * the learner again. Page-Hinkley starts afresh after a detection of its own accord.
 */
public abstract sealed class ErrorWatcher permits DriftReaction, FederationDrift {

    /** The detector, or null when nothing is watched. */
    private final DriftDetector detector;
    private final boolean classifier;
    /** The figure of the latest detection (the detector forgets it in its reset); NaN before one. */
    private double statistic = Double.NaN;

    /**
     * @param watched whether this side is watched at all
     * @param state the detector's state, restored when it was made with the settings' detector
     */
    ErrorWatcher(boolean watched, DriftSettings settings, boolean classifier, double[] state) {
        this.detector = watched ? settings.restore(state) : null;
        this.classifier = classifier;
    }

    /**
     * Feeds one example's outcome; whether a drift is detected at it (never without a detector or
     * for a loss that is not finite). After a detection the detector starts afresh.
     */
    final boolean fires(double loss, boolean correct) {
        if (!firesOn(error(loss, correct))) {
            return false;
        }
        detected();
        return true;
    }

    /** The example's error as the detector takes it: 0/1 for a classifier, else the loss; NaN for a loss that is not finite. */
    final double error(double loss, boolean correct) {
        return DriftSettings.error(classifier, loss, correct);
    }

    /**
     * Feeds the detector one value; whether it reports a change at it (never without a detector or
     * for NaN). The caller decides whether that is a drift: if so it calls {@link #detected()}; if
     * not, the detector carries on (ADWIN with its window cut, Page-Hinkley afresh).
     */
    final boolean firesOn(double value) {
        return detector != null && !Double.isNaN(value) && detector.update(value);
    }

    /** Takes the detector's latest report as a drift: keeps its statistic and starts it afresh. */
    final void detected() {
        statistic = detector.statistic();
        detector.reset();
    }

    /** The detector's {@link DriftDetector#recentMean()}; NaN without a detector. */
    final double recentMean() {
        return detector == null ? Double.NaN : detector.recentMean();
    }

    /**
     * The heap a source's watcher (a {@link DriftReaction}) and its detector take, estimated: a
     * reference, a boolean, a double and the reaction's two longs.
     */
    public final long heapBytes() {
        return HeapBytes.object(4 + 1 + 8 + 2 * 8) + (detector == null ? 0 : detector.heapBytes());
    }

    /** Whether this side watches its examples. */
    public final boolean detects() {
        return detector != null;
    }

    /** Whether the watched examples are a classifier's (0/1 errors) rather than losses. */
    final boolean classifier() {
        return classifier;
    }

    /** The detector's kind ({@link DriftDetector#name()}); null without a detector. */
    public final String detectorName() {
        return detector == null ? null : detector.name();
    }

    /**
     * The figure that crossed the threshold at the latest detection since this object was made (it
     * is not part of the state); NaN before one.
     */
    public final double statistic() {
        return statistic;
    }

    /** The detector's state ({@link DriftDetector#toState()}), or null without a detector. */
    public final double[] detectorState() {
        return detector == null ? null : detector.toState();
    }

    /** The detector and what it is fed, for {@code toString()}. */
    final String watched() {
        return detector == null ? "none" : detector + (classifier ? " of 0/1 errors" : " of losses");
    }
}
