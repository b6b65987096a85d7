package org.fedflink.bench;

/**
 * Update-to-model latency from two cumulative curves, without tagging individual updates: the
 * trainers' emitted updates over time (their {@code updatesSent} counters, polled) and the updates
 * folded into published global versions (each version's {@code createdMillis} and
 * {@code roundUpdates} from {@code metrics.csv}). The k-th update is taken to be folded by the
 * first version whose cumulative update count reaches k (first in, first out), and its latency is
 * that version's creation time minus the time the k-th update was emitted. This is the horizontal
 * distance between the two curves (the "virtual delay" of queueing theory); with several trainer
 * subtasks the true order of arrival may differ by what is in flight, and the emission time is
 * known to the polling interval (the emissions seen between two polls are spread evenly over the interval).
 */
public final class UpdateLatency {

    private UpdateLatency() {}

    /**
     * A non-decreasing step curve: at {@code times[i]} (milliseconds) the cumulative count became
     * {@code counts[i]}. Times and counts must both be non-decreasing.
     */
    public record Curve(double[] times, long[] counts) {
        public Curve {
            if (times.length != counts.length) {
                throw new IllegalArgumentException("times and counts differ in length: " + times.length + " vs "
                        + counts.length);
            }
            for (int i = 1; i < times.length; i++) {
                if (times[i] < times[i - 1] || counts[i] < counts[i - 1]) {
                    throw new IllegalArgumentException("curve must be non-decreasing, it is not at point " + i);
                }
            }
        }

        /** The final count (0 for an empty curve). */
        public long total() {
            return counts.length == 0 ? 0 : counts[counts.length - 1];
        }
    }

    /**
     * The latency in milliseconds of every update that is both emitted and folded, in order of
     * emission (never negative: a fold seen before its emission, by the polling error, counts 0).
     *
     * @param emitted polled samples of the cumulative emitted updates; consecutive samples
     *     bracket each emission, which is placed by linear interpolation between them
     * @param folded the cumulative updates folded into published versions, a point per version
     */
    public static double[] latencies(Curve emitted, Curve folded) {
        int n = (int) Math.min(emitted.total(), folded.total());
        double[] out = new double[n];
        int e = 0;
        int f = 0;
        for (int k = 1; k <= n; k++) {
            while (emitted.counts[e] < k) {
                e++;
            }
            double emittedAt;
            if (e == 0) {
                emittedAt = emitted.times[0];
            } else {
                long before = emitted.counts[e - 1];
                double t0 = emitted.times[e - 1];
                double t1 = emitted.times[e];
                // the emissions between two polls spread evenly over the interval, each at the middle of its share
                emittedAt = t0 + (t1 - t0) * (k - before - 0.5) / (double) (emitted.counts[e] - before);
            }
            while (folded.counts[f] < k) {
                f++;
            }
            out[k - 1] = Math.max(0, folded.times[f] - emittedAt);
        }
        return out;
    }
}
