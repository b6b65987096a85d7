package org.fedflink.quality;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link DatasetSource#prepare} made.
 *
 * @param files name -> file made ({@code "train"} -> {@code dir/train.jsonl}, {@code "holdout"}, {@code
 *     "holdout-f1"}, ...), in the order they were made
 * @param facts what a table row states about the data: {@code examples}, {@code sources}, {@code
 *     classes}, {@code classShares}, ... (each source documents its keys); values are numbers,
 *     strings, lists and maps of those, so that they serialize to JSON as they are
 * @param reference the reference learner's figures computed while preparing (MOA), or null when the
 *     reference is computed later (pooled)
 */
public record PreparedDataset(Map<String, Path> files, Map<String, Object> facts, ReferenceResult reference) {

    public PreparedDataset {
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }
}
