package org.fedflink.io;

import java.io.Serializable;
import org.apache.flink.metrics.MetricGroup;

/**
 * A bounded input as a numbered sequence: position {@code i} ({@code 0 <= i < size()}) is the
 * {@code i}-th record of the stream, in the input's order (file order and passes, or the
 * generator's index). {@link OrderedSource} reads it in that order, with one reader or with
 * several that split it <b>by source</b>: every position belongs to the group of its record's
 * source ({@link #groupOf}), so one reader reads all of a source's records, in order.
 *
 * <p>Reading a position must be deterministic: a restored reader continues from a checkpointed
 * position and must produce the same records.
 *
 * @param <T> the records produced
 */
public interface RecordSequence<T> extends Serializable {

    /** Event time of a record that has none: it neither advances watermarks nor starts rounds. */
    long NO_TIMESTAMP = Long.MIN_VALUE;

    /** Number of positions. */
    long size();

    /**
     * Prepares reading in one reader (opens files); called once per reader before any other call
     * but {@link #size}.
     *
     * @param metrics where the reader's metrics go
     */
    void open(MetricGroup metrics) throws Exception;

    /**
     * The reader group ({@code 0 <= group < groups}) of position {@code position}: a function of its
     * record's source only (invalid records, which have none, may go anywhere). Must be cheap; it is
     * asked for every position by every reader.
     */
    int groupOf(long position, int groups);

    /**
     * Flink's key group (of {@code maxParallelism}) of the source of the record at {@code position},
     * for a reader that reads only the sources of its key groups (a trainer reading its own input);
     * any key group for a record without a source. Must be cheap, like {@link #groupOf}.
     *
     * @throws UnsupportedOperationException if the sequence does not know its records' sources
     *     without reading them ({@link #knowsSources()} is false)
     */
    default int keyGroupOf(long position, int maxParallelism) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not know its records' sources");
    }

    /** Whether {@link #keyGroupOf} is known without reading the records. */
    default boolean knowsSources() {
        return false;
    }

    /** The record at {@code position}. */
    T read(long position);

    /** The event time of a record {@link #read} returned, or {@link #NO_TIMESTAMP}. */
    long timestamp(T record);

    /** Releases what {@link #open} took. */
    void close() throws Exception;
}
