package org.fedflink.drift;

import java.io.Serializable;

/**
 * Where a learning loop watches for concept drift and with which detector: the job spec's
 * {@code drift} section, resolved. Each source can watch its own examples ({@link #sources()}, see
 * {@link DriftReaction}) and the server the examples of every update it folds in
 * ({@link #federation()}, see {@link FederationDrift}). Both watch for <em>rises</em> of the error
 * ({@link Mode#UP}): a model falling behind its data.
 *
 * <p>What a detector is fed for one example is {@link #error}: the prequential 0/1 error of a
 * classifier, the prequential loss of a regression model.
 *
 * @param detector the settings of every detector the loop makes (their mode {@link Mode#UP}), or
 *     null when the loop detects nothing
 * @param perSource whether each source has a detector over its own examples' errors
 * @param global whether the server has one over the errors of every example it folds in
 */
public record DriftSettings(DetectorConfig detector, boolean perSource, boolean global) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The name of the federation in drift events (a source's events carry the source's name). */
    public static final String GLOBAL = "global";

    /** Settings that detect nothing. */
    public static DriftSettings none() {
        return new DriftSettings(null, false, false);
    }

    /** ADWIN with confidence {@code delta}, watching for rises, its other settings at their defaults. */
    public static DetectorConfig adwin(double delta) {
        return AdwinConfig.builder().delta(delta).mode(Mode.UP).build();
    }

    /** Page-Hinkley with threshold (lambda) {@code threshold}, watching for rises, its other settings at their defaults. */
    public static DetectorConfig pageHinkley(double threshold) {
        return PageHinkleyConfig.builder().threshold(threshold).mode(Mode.UP).build();
    }

    /** Whether each source watches its own examples. */
    public boolean sources() {
        return detector != null && perSource;
    }

    /** Whether the server watches the examples it folds in. */
    public boolean federation() {
        return detector != null && global;
    }

    /** A detector of these settings with no observations. */
    public DriftDetector newDetector() {
        return detector.create();
    }

    /**
     * The detector to carry on with, given the state a checkpoint holds: the restored detector when
     * it has these settings, else (no state, or a job resumed with other drift settings) a fresh one.
     *
     * @throws IllegalArgumentException if {@code state} is not a detector state this build reads
     */
    public DriftDetector restore(double[] state) {
        if (state == null) {
            return newDetector();
        }
        DriftDetector restored = DriftDetector.fromState(state, detector);
        return restored.config().equals(detector) ? restored : newDetector();
    }

    /**
     * The figure a detector is fed for one example: for a classifier its 0/1 error (1 when
     * mispredicted), for regression its loss. NaN when the loss is not finite (a diverged model):
     * such an example is not fed, since a detector refuses it and one NaN would poison its sums.
     */
    public static double error(boolean classifier, double loss, boolean correct) {
        if (classifier) {
            return correct ? 0 : 1;
        }
        return Double.isFinite(loss) ? loss : Double.NaN;
    }
}
