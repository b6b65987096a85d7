package org.fedflink.data;

import java.nio.charset.StandardCharsets;

/**
 * One physical line of a text file, as read by {@link LineReader} or {@link RowFile}.
 *
 * <p>A line ends at {@code \n}; one {@code \r} right before the {@code \n} is part of the
 * terminator, not of the content (so CRLF files read like LF files). A final line without
 * {@code \n} is a row; a {@code \n} at the very end of the file does not start another one. Empty
 * lines are rows too (length 0): the parser decides what they mean (usually a dead letter).
 *
 * <p>A line longer than the reader's {@code maxLineBytes} is <em>oversized</em>: its content is
 * never buffered ({@code bytes == null}) but its true length is reported, so the caller can
 * dead-letter it with a useful reason instead of running out of memory on a corrupt file.
 *
 * <p>Record equality compares the array by reference (as for every record with an array field);
 * compare {@link #bytes()} with {@link java.util.Arrays#equals(byte[], byte[])}.
 *
 * @param lineNumber the 1-based physical line number in the file
 * @param bytes the line's content without its terminator, or {@code null} when oversized; a fresh
 *     array the caller owns
 * @param length the number of content bytes in the line (the true length, also when oversized)
 */
public record Row(long lineNumber, byte[] bytes, long length) {

    public Row {
        if (lineNumber < 1) {
            throw new IllegalArgumentException("line number must be at least 1 (got " + lineNumber + ")");
        }
        if (length < 0) {
            throw new IllegalArgumentException("line length must not be negative (got " + length + ")");
        }
        if (bytes != null && bytes.length != length) {
            throw new IllegalArgumentException(
                    "line length " + length + " differs from the content's " + bytes.length + " bytes");
        }
    }

    /** True when the line was longer than the reader's limit and its content was skipped. */
    public boolean oversized() {
        return bytes == null;
    }

    /**
     * The content decoded as UTF-8 (malformed sequences become U+FFFD).
     *
     * @throws IllegalStateException for an oversized row, which has no content
     */
    public String text() {
        if (bytes == null) {
            throw new IllegalStateException("line " + lineNumber + " is oversized (" + length + " bytes); no content");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
