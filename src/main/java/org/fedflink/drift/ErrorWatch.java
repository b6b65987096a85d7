package org.fedflink.drift;

/**
 * A detector fed examples' {@link DriftSettings#error errors}: what a learner's
 * {@link DriftReaction} and the server's {@link FederationDrift} share. Not thread-safe.
 */
final class ErrorWatch {

    private final DriftDetector detector;
    private final boolean classifier;

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

    /** Feeds one example's outcome; whether a drift is detected at it (never for a loss that is not finite). */
    boolean fires(double loss, boolean correct) {
        double error = DriftSettings.error(classifier, loss, correct);
        return !Double.isNaN(error) && detector.update(error);
    }

    String name() {
        return detector.name();
    }

    double statistic() {
        return detector.statistic();
    }

    double[] state() {
        return detector.toState();
    }

    @Override
    public String toString() {
        return detector + (classifier ? " of 0/1 errors" : " of losses");
    }
}
