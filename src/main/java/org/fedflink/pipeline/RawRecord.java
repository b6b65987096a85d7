package org.fedflink.pipeline;

import org.fedflink.data.Example;

/**
 * What a source emits before validation: raw text to parse (files, Kafka), or an already
 * structured example (the generator), which is still validated.
 *
 * @param origin where the record came from (file, topic, "generator")
 * @param position line number, offset or index within the origin
 * @param text the raw text, or {@code null} when {@code example} is set
 * @param example a structured example, or {@code null} when {@code text} is set
 */
public record RawRecord(String origin, long position, String text, Example example) {}
