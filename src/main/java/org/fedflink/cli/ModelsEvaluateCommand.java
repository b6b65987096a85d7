package org.fedflink.cli;

import static org.fedflink.cli.ModelMetadata.JSON;
import static org.fedflink.cli.ModelMetadata.finite;
import static org.fedflink.cli.ModelMetadata.metadata;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.fedflink.artifact.Preprocessing;
import org.fedflink.artifact.RunFolder;
import org.fedflink.artifact.SavedModel;
import org.fedflink.data.InputFormat;
import org.fedflink.pipeline.Loop;
import org.fedflink.predict.FilePredictor;
import org.fedflink.versions.SavepointModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code models evaluate}: a savepoint's version scored on a file. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Scores a labelled file with the model version a savepoint holds, parsed and scaled as the"
                + " run's training input was (the run's preprocessing.json), and prints the metrics as JSON: accuracy,"
                + " log loss, macro-F1 (AUC for binary models; RMSE and MAE for regression).")
final class ModelsEvaluateCommand extends ModelsOptions implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SAVEPOINT")
    Path snapshot;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "The labelled file to score.")
    Path data;

    @Option(names = "--labels", paramLabel = "FILE", description = "The IDX labels file of IDX images.")
    Path labels;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "jsonl, csv, libsvm or idx (default: from the file name, else the run's input format).")
    InputFormat format;

    @Override
    public Integer call() {
        try {
            SavepointModels.Version v = read(snapshot);
            String task = Loop.named(v.loop()).task();
            java.util.Optional<Preprocessing> preprocessing = task == null
                    ? java.util.Optional.empty()
                    : Preprocessing.find(runFolder.resolve(RunFolder.TASKS).resolve(task));
            if (preprocessing.isEmpty()) {
                preprocessing = Preprocessing.find(runFolder);
            }
            var metadata = JSON.valueToTree(metadata(snapshot, v));
            var model = new SavedModel(snapshot, v.version(), jobSpec(snapshot).job(),
                    v.finished(), v.model(), v.params(), metadata);
            var summary = FilePredictor.builder(model, data)
                    .preprocessing(preprocessing.orElse(null))
                    .format(format)
                    .labels(labels)
                    .build()
                    .run(null);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("snapshot", snapshot.toString());
            result.put("loop", v.loop().isEmpty() ? null : v.loop());
            result.put("version", v.version());
            result.put("data", data.toString());
            result.put("rows", summary.rows());
            result.put("invalid", summary.invalid());
            result.put("labelled", summary.labelled());
            var score = summary.score();
            result.put("accuracy", finite(score.accuracy()));
            result.put("logLoss", v.model().isClassifier() ? finite(score.loss()) : null);
            result.put("macroF1", finite(score.macroF1()));
            result.put("auc", finite(score.auc()));
            result.put("rmse", finite(score.rmse()));
            result.put("mae", finite(score.mae()));
            out().println(JSON.writeValueAsString(result));
            out().flush();
            spec.commandLine().getErr().println(summary.describe());
            return 0;
        } catch (Exception e) {
            return fail(e);
        }
    }
}
