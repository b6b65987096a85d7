package org.fedflink.data;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The checks every row format shares, done once on the raw bytes before the format-specific parse:
 * strict UTF-8 decoding, control characters, a leading byte-order mark, a trailing CR, blank rows.
 * Subclasses parse the decoded characters in {@link #parseChars}.
 *
 * <p>Not thread-safe: the decoder and the character buffer are reused from row to row (and are
 * transient: a deserialized copy makes its own).
 */
abstract class AbstractRowParser implements RowParser {

    private static final long serialVersionUID = 1L;

    private transient CharsetDecoder decoder;
    private transient char[] chars;
    /** Made on first use, or given by {@link #shareUnknownFields}; a deserialized copy starts its own. */
    private transient UnknownFieldTally unknownFields;

    @Override
    public final Example parse(byte[] row, int offset, int length) throws InvalidRecordException {
        if (row == null) {
            throw new InvalidRecordException("empty line");
        }
        if (offset < 0 || length < 0 || offset > row.length - length) {
            throw new IndexOutOfBoundsException(
                    "row slice [" + offset + ", " + offset + " + " + length + ") outside an array of " + row.length);
        }
        if (chars == null || chars.length < length) {
            chars = new char[Math.max(length, 256)];
        }
        if (decoder == null) {
            decoder = newDecoder();
        }
        int n = decode(decoder, row, offset, length, chars);
        int start = check(chars, 0, n);
        return parseChars(chars, start, n);
    }

    @Override
    public final UnknownFieldTally unknownFields() {
        if (unknownFields == null) {
            unknownFields = new UnknownFieldTally();
        }
        return unknownFields;
    }

    /** Counts into {@code tally}, shared with other parsers (the files of one dataset). */
    final void shareUnknownFields(UnknownFieldTally tally) {
        this.unknownFields = tally;
    }

    /**
     * Parses the decoded row {@code c[start, end)}: valid UTF-16 without control characters (but
     * TAB), without a byte-order mark or trailing CR, and not blank.
     */
    abstract Example parseChars(char[] c, int start, int end) throws InvalidRecordException;

    static CharsetDecoder newDecoder() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /**
     * Decodes {@code row[offset, offset + length)} into {@code out} (at least {@code length} long;
     * UTF-8 never needs more chars than bytes) and returns the number of chars, without a trailing
     * CR.
     */
    static int decode(CharsetDecoder decoder, byte[] row, int offset, int length, char[] out)
            throws InvalidRecordException {
        if (length > 0 && row[offset + length - 1] == '\r') {
            length--;
        }
        // ASCII, the bulk of numeric data, needs no decoder
        int i = 0;
        while (i < length) {
            byte b = row[offset + i];
            if (b < 0) {
                break;
            }
            out[i++] = (char) b;
        }
        if (i == length) {
            return length;
        }
        decoder.reset();
        ByteBuffer in = ByteBuffer.wrap(row, offset + i, length - i);
        CharBuffer cb = CharBuffer.wrap(out, i, out.length - i);
        CoderResult r = decoder.decode(in, cb, true);
        if (!r.isError()) {
            r = decoder.flush(cb);
        }
        if (r.isError()) {
            throw new InvalidRecordException("bad utf-8 at byte " + (in.position() - offset + 1));
        }
        return cb.position();
    }

    /**
     * Rejects control characters and blank rows; returns where the content starts (after a
     * byte-order mark, which editors put at the start of a file's first line).
     */
    static int check(char[] c, int start, int end) throws InvalidRecordException {
        if (start < end && c[start] == '\uFEFF') {
            start++;
        }
        boolean blank = true;
        for (int i = start; i < end; i++) {
            char ch = c[i];
            if (ch < 0x20 || ch == 0x7f) {
                if (ch != '\t') {
                    int column = Character.codePointCount(c, start, i - start) + 1;
                    throw new InvalidRecordException(
                            String.format("control character U+%04X at column %d", (int) ch, column));
                }
            } else if (ch != ' ') {
                blank = false;
            }
        }
        if (blank) {
            throw new InvalidRecordException("empty line");
        }
        return start;
    }
}
