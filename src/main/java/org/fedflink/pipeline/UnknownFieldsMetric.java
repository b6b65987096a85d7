package org.fedflink.pipeline;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.fedflink.data.UnknownFieldTally;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a reader's {@link UnknownFieldTally} into the {@value #NAME} counter (rows in which unknown
 * JSON keys were skipped) and one WARN line per distinct unknown name
 * ({@link UnknownFieldTally#warning}). A reader calls {@link #update} after each row it parses;
 * nothing is formatted unless the tally changed.
 *
 * <p>The counter is per reader (subtask) and not checkpointed: it counts what this reader parsed,
 * replays after a restart included, like Flink's own {@code numRecordsIn}.
 */
final class UnknownFieldsMetric {

    /** The metric's name in the reader's metric group. */
    static final String NAME = "unknownFields";

    private static final Logger LOG = LoggerFactory.getLogger(UnknownFieldsMetric.class);

    private final Counter counter;
    private long counted;
    private int named;

    /** @param group the reader's metric group; null for a reader without one (counted, not reported) */
    UnknownFieldsMetric(MetricGroup group) {
        this.counter = group == null ? new SimpleCounter() : group.counter(NAME);
    }

    /**
     * Counts the rows the tally gained since the last call and logs its new names, as first seen in
     * the row just parsed: {@code origin unit position} ("train.jsonl line 3", "topic-0 offset 17").
     */
    void update(UnknownFieldTally tally, String origin, String unit, long position) {
        long rows = tally.rows();
        if (rows == counted) {
            return;
        }
        counter.inc(rows - counted);
        counted = rows;
        while (named < tally.names().size()) {
            LOG.warn(UnknownFieldTally.warning(tally.names().get(named++), origin + " " + unit + " " + position));
        }
    }

    /** What the counter holds. */
    long count() {
        return counter.getCount();
    }
}
