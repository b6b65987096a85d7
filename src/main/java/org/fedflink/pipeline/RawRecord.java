package org.fedflink.pipeline;

import org.fedflink.data.Example;

/**
 * What a source emits before validation: raw text to parse (files, Kafka), an already structured
 * example (the generator, file readers that parse as they read), which is still validated, or a
 * row the reader already found invalid, with the reason.
 *
 * @param origin where the record came from (file, topic, "generator")
 * @param position line number, offset or index within the origin
 * @param text the raw text: what to parse when {@code example} and {@code reason} are null, the
 *     row for the dead letter when {@code reason} is set, else null
 * @param example a structured example, or null
 * @param reason why the reader rejected the row, or null
 */
public record RawRecord(String origin, long position, String text, Example example, String reason) {

    /** Raw text to be parsed downstream. */
    public static RawRecord text(String origin, long position, String text) {
        return new RawRecord(origin, position, text, null, null);
    }

    /** An example, still to be validated. */
    public static RawRecord of(String origin, long position, Example example) {
        return new RawRecord(origin, position, null, example, null);
    }

    /** A row the reader could not turn into an example. */
    public static RawRecord invalid(String origin, long position, String text, String reason) {
        return new RawRecord(origin, position, text, null, reason);
    }
}
