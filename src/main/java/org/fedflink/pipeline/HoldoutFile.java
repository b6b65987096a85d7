package org.fedflink.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fedflink.config.JobSpec;
import org.fedflink.data.Example;
import org.fedflink.data.ExampleValidator;
import org.fedflink.data.FileDataset;
import org.fedflink.data.FormatException;
import org.fedflink.data.InputFormat;
import org.fedflink.data.InputPaths;
import org.fedflink.io.FileInput;
import org.fedflink.model.ModelSpec;

/**
 * Reads a holdout file in the input's format, with the input's field names and feature scaling.
 * Unlike the training stream, a holdout must be clean: a row that is not a valid example fails
 * with its file and line, because silently scoring on part of a test set misreports accuracy.
 *
 * <p>Every failure is one line that starts with the job-spec key naming the file
 * ({@code evaluation.holdoutPath: /data/test.jsonl does not exist},
 * {@code evaluation.holdouts.late.path: late.jsonl line 3: expected 4 features, got 3}).
 *
 * <p>Public for the quality suite's pooled reference ({@code quality/JobExamples}), which scores
 * on the job's holdouts exactly as the job reads them.
 */
public final class HoldoutFile {
    private HoldoutFile() {}

    /**
     * A holdout file of the job spec, with the keys that name it and its IDX labels file.
     *
     * @param key the key of the file ({@code evaluation.holdoutPath}, {@code evaluation.holdouts.NAME.path})
     * @param labelsKey the key of the labels file
     * @param labels the IDX labels file, or null
     */
    public record Source(String key, Path path, String labelsKey, Path labels) {

        /** The named holdout {@code evaluation.holdouts.NAME} (its keys {@code .path} and {@code .labelsPath}). */
        public static Source named(String name, JobSpec.HoldoutSpec holdout) {
            String prefix = "evaluation.holdouts." + name;
            return new Source(prefix + ".path", Path.of(holdout.path()), prefix + ".labelsPath",
                    pathOrNull(holdout.labelsPath()));
        }

        private static Path pathOrNull(String path) {
            return path == null ? null : Path.of(path);
        }
    }

    /** The holdout of {@code evaluation.holdoutPath} (and {@code evaluation.holdoutLabelsPath}). */
    public static List<Example> read(FileInput input, Path file, Path labels, ModelSpec spec) {
        return read(input, new Source("evaluation.holdoutPath", file, "evaluation.holdoutLabelsPath", labels), spec);
    }

    /**
     * @throws FormatException naming the key: the file or its labels file is missing or unreadable,
     *     is not the input's format, or has a row that is not a valid example
     */
    public static List<Example> read(FileInput input, Source source, ModelSpec spec) {
        boolean idx = input.format() == InputFormat.IDX;
        InputPaths.requireFile(source.key(), source.path());
        if (idx && source.labels() == null) {
            throw new FormatException(source.labelsKey() + " is required: the IDX labels file of the holdout images "
                    + source.path());
        }
        if (idx) {
            InputPaths.requireFile(source.labelsKey(), source.labels());
        }
        ExampleValidator validator = new ExampleValidator(spec);
        List<Example> examples = new ArrayList<>();
        FileDataset opened;
        try {
            opened = idx ? FileDataset.openIdx(source.path(), source.labels())
                    : FileDataset.openText(List.of(source.path()), input.options(), input.maxLineBytes(),
                            Path.of(System.getProperty("java.io.tmpdir")));
        } catch (IOException e) {
            throw InputPaths.cannotRead(source.key(), source.path(), e);
        } catch (FormatException e) {
            throw new FormatException(source.key() + ": " + e.getMessage(), e);
        }
        try (FileDataset dataset = opened) {
            for (long i = 0; i < dataset.rows(); i++) {
                FileDataset.Parsed parsed = dataset.read(i);
                String reason = parsed.valid() ? validator.check(withSource(parsed.example())) : parsed.reason();
                if (reason != null) {
                    throw new FormatException(
                            source.key() + ": " + parsed.origin() + " line " + parsed.line() + ": " + reason);
                }
                examples.add(input.scaler().apply(withSource(parsed.example())));
            }
        } catch (IOException e) {
            throw InputPaths.cannotRead(source.key(), source.path(), e);
        }
        return examples;
    }

    /** Holdout rows need no source (they are not trained on); the validator wants one. */
    private static Example withSource(Example e) {
        return e.source() != null ? e : e.withSource("holdout");
    }
}
