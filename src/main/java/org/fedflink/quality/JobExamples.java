package org.fedflink.quality;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fedflink.config.JobSpec;
import org.fedflink.data.Example;
import org.fedflink.data.ExampleValidator;
import org.fedflink.data.FileDataset;
import org.fedflink.data.SyntheticGenerator;
import org.fedflink.eval.HoldoutSets;
import org.fedflink.io.FileInput;
import org.fedflink.io.Generators;
import org.fedflink.model.ModelSpec;
import org.fedflink.pipeline.HoldoutFile;

/**
 * A job's examples read into memory as the job reads them: the training rows of its input once
 * each (parsed with the input's format options, validated for its model and scaled with its
 * scaling; the rows the job would send to the dead letter are left out and counted), and its
 * holdout sets. The pooled reference trains on these, so it sees the data the federated path sees,
 * pooled.
 *
 * @param train every valid training row once, in input order, attributed to the source
 *     {@value #POOLED} (sources do not matter to a pooled learner)
 * @param holdouts the job's holdout sets (the primary one and the named ones)
 * @param invalid training rows left out because they are not valid examples
 */
public record JobExamples(List<Example> train, HoldoutSets holdouts, long invalid) {

    /** The source of every pooled example. */
    public static final String POOLED = "pooled";

    /**
     * Reads a job's examples: file inputs (JSONL, CSV, LibSVM, IDX) and the generator.
     *
     * @throws IllegalArgumentException for a Kafka or monitored input (nothing to pool up front)
     * @throws org.fedflink.data.FormatException as the job would fail on its input or holdouts
     */
    public static JobExamples read(JobSpec spec) throws IOException {
        JobSpec.InputSpec input = spec.input();
        ModelSpec model = spec.model().toSpec();
        if (input.type() == JobSpec.InputType.GENERATOR) {
            SyntheticGenerator generator = new SyntheticGenerator(Generators.config(spec));
            long examples = input.generator().examples();
            List<Example> train = new ArrayList<>();
            long corrupt = 0;
            for (long i = 0; i < examples; i++) {
                if (generator.isCorrupt(i)) {
                    corrupt++; // the job reads a malformed line here, which goes to the dead letter
                } else {
                    train.add(generator.example(i).withSource(POOLED));
                }
            }
            return new JobExamples(train, HoldoutSets.of(generator.holdout(spec.evaluation().holdout())), corrupt);
        }
        if (!input.isFile() || input.monitor()) {
            throw new IllegalArgumentException("the pooled reference reads a bounded file or generator input, not "
                    + (input.monitor() ? "a monitored directory" : input.type().name().toLowerCase()));
        }
        Path scratch = Files.createTempDirectory("fedflink-pooled-");
        try {
            FileInput files = FileInput.prepare(spec, scratch);
            ExampleValidator validator = new ExampleValidator(model);
            List<Example> train = new ArrayList<>();
            long invalid = 0;
            try (FileDataset dataset = files.open()) {
                for (long row = 0; row < dataset.rows(); row++) {
                    FileDataset.Parsed parsed = dataset.read(row);
                    Example e = parsed.valid() ? parsed.example().withSource(POOLED) : null;
                    if (e == null || validator.check(e) != null) {
                        invalid++;
                    } else {
                        train.add(files.scaler().apply(e));
                    }
                }
            }
            return new JobExamples(train, holdouts(spec, files, model), invalid);
        } finally {
            try (Stream<Path> made = Files.walk(scratch)) {
                for (Path p : made.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The job's holdout files, read as the job reads them ({@code pipeline.TaskHoldouts}). */
    private static HoldoutSets holdouts(JobSpec spec, FileInput files, ModelSpec model) {
        Map<String, List<Example>> named = new LinkedHashMap<>();
        spec.evaluation().holdouts().forEach((name, h) ->
                named.put(name, HoldoutFile.read(files, HoldoutFile.Source.named(name, h), model)));
        String path = spec.evaluation().holdoutPath();
        String labels = spec.evaluation().holdoutLabelsPath();
        List<Example> own = path == null ? null
                : HoldoutFile.read(files, Path.of(path), labels == null ? null : Path.of(labels), model);
        return HoldoutSets.of(own, named);
    }
}
