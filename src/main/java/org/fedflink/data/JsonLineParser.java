package org.fedflink.data;

import java.io.Serializable;

/**
 * Parses one JSON object per line into an {@link Example}:
 * {@code {"source": "s1", "time": 1700000000000, "label": 2, "features": [0.1, ...]}} (dense) or
 * with {@code "indices": [...], "values": [...]} instead of {@code features} (sparse).
 */
public final class JsonLineParser implements Serializable {

    public JsonLineParser() {}

    /** @throws InvalidRecordException naming what is wrong with the line */
    public Example parse(String line) throws InvalidRecordException {
        throw new UnsupportedOperationException("TODO");
    }
}
