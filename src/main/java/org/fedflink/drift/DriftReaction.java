package org.fedflink.drift;

/**
 * How one learner (a data source's model in a trainer) reacts to concept drift, as plain logic:
 * it feeds the learner's own detector each example's {@link DriftSettings#error error}, follows the
 * federation's count of drifts carried by the global models it adopts, and says when the learner
 * restarts. A restart is the learner's adaptation: the caller sets its optimizer state to a fresh
 * one (Adagrad's and FTRL's accumulators and momentum back to zeros) and this object restarts the
 * learning-rate schedule, {@link #scheduleStep} counting from the restart.
 *
 * <p>The learner's step count keeps growing through restarts (other code numbers a source's updates
 * by it); only the schedule's step is counted from {@link #scheduleStart()}.
 *
 * <p>A restart comes from either side:
 *
 * <ul>
 *   <li>the learner's detector fires ({@link #observe}, when the settings watch each source);
 *   <li>an adopted global model carries more federation drifts than the learner has followed
 *       ({@link #followFederation}): the server detected a drift over the examples of all sources,
 *       and every source starts its steps afresh from the models that follow it.
 * </ul>
 *
 * <p>Its whole state is {@link #scheduleStart()}, {@link #federationDrifts()} and
 * {@link #detectorState()}, which {@link #of} takes back. Not thread-safe: one per learner.
 */
public final class DriftReaction extends ErrorWatcher {

    private long scheduleStart;
    private long federationDrifts;

    private DriftReaction(DriftSettings settings, boolean classifier, double[] detectorState, long scheduleStart,
            long federationDrifts) {
        super(settings.sources(), settings, classifier, detectorState);
        this.scheduleStart = scheduleStart;
        this.federationDrifts = federationDrifts;
    }

    /**
     * A learner's reaction, fresh or as its state holds it.
     *
     * @param classifier whether the model is a classifier (fed 0/1 errors) or a regression (losses)
     * @param scheduleStart the step the learner's schedule last restarted at (0: never)
     * @param federationDrifts the federation drifts the learner has followed
     * @param detectorState the learner's detector ({@link DriftDetector#toState()}), or null for a
     *     fresh one; ignored when the settings do not watch each source, and replaced by a fresh
     *     detector when it was made with other settings
     * @throws IllegalArgumentException if a negative count is given or the detector state is not
     *     one this build reads
     */
    public static DriftReaction of(DriftSettings settings, boolean classifier, long scheduleStart,
            long federationDrifts, double[] detectorState) {
        if (scheduleStart < 0 || federationDrifts < 0) {
            throw new IllegalArgumentException("scheduleStart and federationDrifts must be >= 0, got "
                    + scheduleStart + " and " + federationDrifts);
        }
        return new DriftReaction(settings, classifier, detectorState, scheduleStart, federationDrifts);
    }

    /**
     * Feeds the outcome of the learner's latest example to its detector. On a detection the
     * schedule restarts at {@code steps}, the learner's step count after that example: its next
     * example is step 0 of the schedule.
     *
     * @param steps the learner's steps so far, that example's included
     * @return whether the learner restarts (reset its optimizer state); always false without a
     *     detector or for an example whose loss is not finite
     */
    public boolean observe(long steps, double loss, boolean correct) {
        if (!fires(loss, correct)) {
            return false;
        }
        scheduleStart = steps;
        return true;
    }

    /**
     * Follows the federation's drift count that an adopted global model carries. A count above the
     * learner's means the server detected a drift the learner has not reacted to: the schedule
     * restarts at {@code steps} (its next example is step 0).
     *
     * @param steps the learner's steps so far
     * @param count the federation's drifts, as the adopted model carries them
     * @return whether the learner restarts (reset its optimizer state)
     */
    public boolean followFederation(long steps, long count) {
        if (count <= federationDrifts) {
            return false;
        }
        federationDrifts = count;
        scheduleStart = steps;
        return true;
    }

    /** The schedule's step for the learner's step {@code step}: steps since the last restart. */
    public long scheduleStep(long step) {
        return step - scheduleStart;
    }

    /** The learner's step count at its last restart (0 before any). */
    public long scheduleStart() {
        return scheduleStart;
    }

    /** The federation drifts the learner has followed. */
    public long federationDrifts() {
        return federationDrifts;
    }

    @Override
    public String toString() {
        return "DriftReaction[watch=" + watched() + ", scheduleStart=" + scheduleStart + ", federationDrifts="
                + federationDrifts + "]";
    }
}
