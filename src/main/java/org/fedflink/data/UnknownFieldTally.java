package org.fedflink.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The fields of JSON records that the format options do not name and that were skipped
 * ({@link FormatOptions.UnknownFields#IGNORE}): how many rows had one, and the distinct names in
 * the order they were first seen, so that a reader can count them in a metric and name each one
 * once in its log ({@link #warning}). Rows rejected for an unknown field
 * ({@link FormatOptions.UnknownFields#REJECT}) are dead letters and are not counted here.
 *
 * <p>A row is counted when its first unknown field is skipped, whether or not the row turns out
 * valid. At most {@link #MAX_NAMES} names are kept: data whose keys are values (an id per key)
 * would otherwise grow the set, and the log, without bound; later names are counted but not named.
 *
 * <p>Mutable and not thread-safe: one per reader, like its parsers.
 */
public final class UnknownFieldTally {

    /** How many distinct names are kept and named. */
    public static final int MAX_NAMES = 100;

    private long rows;
    private final Set<String> seen = new HashSet<>();
    private final List<String> names = new ArrayList<>();

    /**
     * The log line naming an unknown field once:
     * {@code ignoring unknown field 'meta' in train.jsonl line 3 (input.unknownFields: ignore; set
     * reject to send such records to the dead letter)}.
     *
     * @param where the record that had it first, as a person finds it ("train.jsonl line 3",
     *     "topic-0 offset 17")
     */
    public static String warning(String name, String where) {
        return "ignoring unknown field '" + TextNumbers.shorten(name) + "' in " + where
                + " (input.unknownFields: ignore; set reject to send such records to the dead letter)";
    }

    /** Rows so far that had at least one unknown field. */
    public long rows() {
        return rows;
    }

    /** The distinct unknown names so far, in the order first seen (at most {@link #MAX_NAMES}); a live view. */
    public List<String> names() {
        return Collections.unmodifiableList(names);
    }

    /** A skipped field; {@code firstOfRow} when it is the row's first unknown one. */
    void skipped(String name, boolean firstOfRow) {
        if (firstOfRow) {
            rows++;
        }
        if (names.size() < MAX_NAMES && seen.add(name)) {
            names.add(name);
        }
    }

    @Override
    public String toString() {
        return "UnknownFieldTally[rows=" + rows + ", names=" + names + "]";
    }
}
