package org.fedflink.pipeline;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedflink.config.JobSpec;
import org.fedflink.data.Example;
import org.fedflink.data.SyntheticGenerator;
import org.fedflink.eval.HoldoutSets;
import org.fedflink.io.FileInput;
import org.fedflink.io.Generators;
import org.fedflink.model.ModelSpec;

/**
 * The holdout sets a task's models are scored on: the generator's holdout, or {@code
 * evaluation.holdoutPath} and the named files of {@code evaluation.holdouts}, read in the input's
 * format with its scaling.
 */
final class TaskHoldouts {

    private TaskHoldouts() {}

    /**
     * The supplier of a task's holdout sets. Files are read once here, so that a bad holdout fails
     * before the job starts.
     *
     * @param files the input files; null for the generator
     * @throws org.fedflink.data.FormatException if a holdout file is not a clean file of the input's format, or the
     *     named holdouts cannot be read for this input
     */
    static HoldoutSupplier of(JobSpec spec, FileInput files) {
        Map<String, JobSpec.HoldoutSpec> named = spec.evaluation().holdouts();
        if (files == null) {
            // named holdouts are files: JobSpecRules refuses them for the generator
            int n = spec.evaluation().holdout();
            SyntheticGenerator.Config config = Generators.config(spec);
            return () -> HoldoutSets.of(new SyntheticGenerator(config).holdout(n));
        }
        String path = spec.evaluation().holdoutPath();
        String labels = spec.evaluation().holdoutLabelsPath();
        ModelSpec model = spec.model().toSpec();
        HoldoutSupplier supplier = () -> {
            Map<String, List<Example>> sets = new LinkedHashMap<>();
            named.forEach((name, h) -> sets.put(name, HoldoutFile.read(files, HoldoutFile.Source.named(name, h), model)));
            List<Example> own = path == null ? null
                    : HoldoutFile.read(files, Path.of(path), labels == null ? null : Path.of(labels), model);
            return HoldoutSets.of(own, sets);
        };
        try {
            supplier.get();
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
        }
        return supplier;
    }
}
