package org.fedflink.pipeline;

/**
 * Which published versions get their files in {@code models/} ({@code output.models.intervalMillis}):
 * every version, or at most one per interval of processing time. Every version is still published
 * (its {@code metrics.csv} row, the feedback to the trainers, the model topic); a large model written
 * dozens of times a second would make the model writer, and through back-pressure the loop, wait
 * on the disk (the bench's 2^20-parameter model is 4 MB a version). The model writer always writes
 * the final version and, at each checkpoint, the newest one, so every checkpoint's and savepoint's
 * version has its files.
 */
final class FileCadence {

    /** Models up to this many parameters (1 MB a version) get files for every version by default. */
    static final int SMALL_MODEL_PARAMS = 1 << 18;
    /** The default interval of a larger model, as the holdout's default scoring interval. */
    static final long LARGE_MODEL_INTERVAL_MILLIS = 1000;

    private final long intervalMillis;
    private long lastWrittenMillis = Long.MIN_VALUE;

    /** @param intervalMillis at most one version's files per this many milliseconds; 0: every version */
    FileCadence(long intervalMillis) {
        if (intervalMillis < 0) {
            throw new IllegalArgumentException("intervalMillis must be >= 0, got " + intervalMillis);
        }
        this.intervalMillis = intervalMillis;
    }

    /** The interval the job spec asks for, or by the model's size when it asks for none. */
    static long intervalMillis(Long configured, int numParams) {
        if (configured != null) {
            return configured;
        }
        return numParams <= SMALL_MODEL_PARAMS ? 0 : LARGE_MODEL_INTERVAL_MILLIS;
    }

    boolean everyVersion() {
        return intervalMillis == 0;
    }

    /** Whether a version published at {@code nowMillis} gets its files ({@code last}: the final version always). */
    boolean due(boolean last, long nowMillis) {
        return intervalMillis == 0 || last || lastWrittenMillis == Long.MIN_VALUE
                || nowMillis - lastWrittenMillis >= intervalMillis;
    }

    /** A version's files were written at {@code nowMillis}. */
    void written(long nowMillis) {
        lastWrittenMillis = nowMillis;
    }
}
