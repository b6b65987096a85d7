package org.fedflink.quality;

import java.nio.file.Path;
import java.util.Map;

/**
 * A dataset's prepared files and what a table row states about them.
 *
 * @param files name to file made (e.g. {@code train}, {@code holdout}, {@code holdout-before})
 * @param facts what a table row states about the data (examples, sources, classes, class shares, ...)
 * @param reference the reference learner's figures computed while preparing (MOA), or null
 */
public record PreparedDataset(Map<String, Path> files, Map<String, Object> facts, ReferenceResult reference) {}
