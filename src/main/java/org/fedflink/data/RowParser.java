package org.fedflink.data;

import java.io.Serializable;

/**
 * Parses one row of an input (a line of a file or one message, without its line terminator) into
 * an {@link Example}, or rejects it with the reason. Created by {@link RowParsers#create}, which
 * documents the rules every format follows.
 *
 * <p>Rows are bytes, not strings, so that invalid UTF-8 is detected instead of being silently
 * replaced. Implementations reuse scratch buffers and are <b>not thread-safe</b>: use one instance
 * per thread (a Flink subtask deserializes its own copy). Serializable.
 */
public interface RowParser extends Serializable {

    /**
     * @param row the bytes holding the row
     * @param offset where the row starts in {@code row}
     * @param length the row's length in bytes, without the line terminator (a single trailing CR is
     *     tolerated and ignored)
     * @return the example; its source is {@code null} when the format or options have none, its
     *     timestamp {@link JsonLineParser#NO_TIMESTAMP} when the row has no time
     * @throws InvalidRecordException with a one-line, lower-case reason naming the problem
     */
    Example parse(byte[] row, int offset, int length) throws InvalidRecordException;

    /**
     * The rows in which this parser skipped JSON keys that the options do not name, and their names
     * ({@link FormatOptions#unknownFields()} IGNORE): a running count for a reader to turn into a
     * metric and a log line per new name. Shared with the other parsers made with the same tally
     * ({@link RowParsers#create(FormatOptions, byte[], UnknownFieldTally)}); stays empty for CSV and
     * LibSVM, which have no keys, and when unknown keys are rejected.
     */
    UnknownFieldTally unknownFields();

    /** {@link #parse(byte[], int, int)} of a whole array. */
    default Example parse(byte[] row) throws InvalidRecordException {
        return parse(row, 0, row == null ? 0 : row.length);
    }
}
