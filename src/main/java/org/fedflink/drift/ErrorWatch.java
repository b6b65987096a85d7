package org.fedflink.drift;

/**
 * A detector fed examples' {@link DriftSettings#error errors}: what a learner's
 * {@link DriftReaction} and the server's {@link FederationDrift} share. Not thread-safe.
 *
 * <p>A detection starts the detector afresh ({@link DriftDetector#reset()}): what follows it is a
 * new concept, which the learner starts to learn anew. Without the reset, ADWIN (in the mode of
 * MOA's {@code ADWINChangeDetector}) reports one step of the error several times, at consecutive
 * checks of its window, each dropping more of the examples from before the change (a step of 0.1
 * to 0.6 in the 0/1 error: detections 48, 80 and 240 examples after it), and each would restart
 * the learner again. Page-Hinkley starts afresh after a detection of its own accord.
 */
final class ErrorWatch {

    private final DriftDetector detector;
    private final boolean classifier;
    /** The figure of the latest detection (the detector forgets it in its reset); NaN before one. */
    private double statistic = Double.NaN;

    private ErrorWatch(DriftDetector detector, boolean classifier) {
        this.detector = detector;
        this.classifier = classifier;
    }

    /**
     * A watch with the settings' detector, restored from {@code state} when that was made with the
     * same settings; null when {@code watched} is false (nothing is watched).
     */
    static ErrorWatch of(boolean watched, DriftSettings settings, boolean classifier, double[] state) {
        return watched ? new ErrorWatch(settings.restore(state), classifier) : null;
    }

    /**
     * Feeds one example's outcome; whether a drift is detected at it (never for a loss that is not
     * finite). After a detection the detector starts afresh.
     */
    boolean fires(double loss, boolean correct) {
        double error = DriftSettings.error(classifier, loss, correct);
        if (Double.isNaN(error) || !detector.update(error)) {
            return false;
        }
        statistic = detector.statistic();
        detector.reset();
        return true;
    }

    String name() {
        return detector.name();
    }

    /** The figure of the latest detection since this watch was made (not kept in its state); NaN before one. */
    double statistic() {
        return statistic;
    }

    double[] state() {
        return detector.toState();
    }

    @Override
    public String toString() {
        return detector + (classifier ? " of 0/1 errors" : " of losses");
    }
}
