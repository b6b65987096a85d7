package org.fedflink.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fedflink.data.Example;
import org.fedflink.data.ExampleValidator;
import org.fedflink.data.FileDataset;
import org.fedflink.data.FormatException;
import org.fedflink.data.InputFormat;
import org.fedflink.model.ModelSpec;

/**
 * Reads a holdout file in the input's format, with the input's field names and feature scaling.
 * Unlike the training stream, a holdout must be clean: a row that is not a valid example fails
 * with its file and line, because silently scoring on part of a test set misreports accuracy.
 */
final class HoldoutFile {
    private HoldoutFile() {}

    static List<Example> read(FileInput input, Path file, Path labels, ModelSpec spec) {
        ExampleValidator validator = new ExampleValidator(spec);
        List<Example> examples = new ArrayList<>();
        try (FileDataset dataset = input.format() == InputFormat.IDX
                ? FileDataset.openIdx(file, labels)
                : FileDataset.openText(List.of(file), input.options(), input.maxLineBytes(),
                        Path.of(System.getProperty("java.io.tmpdir")))) {
            for (long i = 0; i < dataset.rows(); i++) {
                FileDataset.Parsed parsed = dataset.read(i);
                String reason = parsed.valid() ? validator.check(withSource(parsed.example())) : parsed.reason();
                if (reason != null) {
                    throw new FormatException("holdout " + parsed.origin() + " line " + parsed.line() + ": " + reason);
                }
                examples.add(input.scaler().apply(withSource(parsed.example())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read holdout " + file + ": " + e.getMessage(), e);
        }
        return examples;
    }

    /** Holdout rows need no source (they are not trained on); the validator wants one. */
    private static Example withSource(Example e) {
        return e.source() != null ? e : e.withSource("holdout");
    }
}
