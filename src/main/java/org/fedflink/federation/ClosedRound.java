package org.fedflink.federation;

import java.util.List;

/**
 * A round a {@link ShardServer} closed.
 *
 * @param applied whether it moved the model (a new version); false when it was skipped
 * @param updates the updates folded in
 * @param sources the distinct sources among them
 * @param samples their examples
 * @param meanStaleness their mean staleness
 * @param drifts the statistic of each federation drift detected in the round's examples
 */
public record ClosedRound(boolean applied, int updates, int sources, long samples, double meanStaleness,
        List<Double> drifts) {
    /** A round that did not move the model (or none at all). */
    public static ClosedRound skipped() {
        return new ClosedRound(false, 0, 0, 0, Double.NaN, List.of());
    }
}
