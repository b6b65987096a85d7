package org.fedflink.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecException;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.model.ModelSpec;
import org.fedflink.pipeline.Loop;
import org.fedflink.pipeline.SavepointModels;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fedflink models ...}: savepoints and retained checkpoints as model versions. Each one
 * holds, per learning loop, the global model the aggregators had checkpointed; these commands
 * read it with Flink's State Processor API, interpreting it with the run's {@code job.yaml}.
 */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "Savepoints and retained checkpoints as model versions: list, show, export and diff the global"
                + " models they hold. SAVEPOINT is a savepoint or checkpoint folder (with _metadata); for list, also a"
                + " folder holding several (runs/<run>/savepoints, runs/<run>/checkpoints). The job spec is the run's"
                + " job.yaml, found above the savepoint, or --job. tail follows the versions a job publishes to a Kafka"
                + " model topic.",
        subcommands = {
            ModelsCommand.ListVersions.class,
            ModelsCommand.Show.class,
            ModelsCommand.Export.class,
            ModelsCommand.Diff.class,
            ModelsCommand.Evaluate.class,
            ModelsTailCommand.class
        })
public final class ModelsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Options every subcommand shares. */
    static class Common {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--job", paramLabel = "JOB.yaml",
                description = "The run's job spec (default: job.yaml in the run folder above the savepoint).")
        Path job;

        @Option(names = "--task", paramLabel = "NAME", description = "The task's model, in a job with several tasks.")
        String task;

        @Option(names = "--baseline", description = "The centralized baseline's model instead of the federated one.")
        boolean baseline;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        /** The folder of the job spec last read by {@link #jobSpec}: the run folder, unless --job named another. */
        Path runFolder;

        /** The job spec of the run {@code snapshot} belongs to. */
        JobSpec jobSpec(Path snapshot) throws JobSpecException {
            Path file = job;
            if (file == null) {
                for (Path dir = snapshot.toAbsolutePath(); dir != null && file == null; dir = dir.getParent()) {
                    if (Files.isRegularFile(dir.resolve(RunFolder.JOB))) {
                        file = dir.resolve(RunFolder.JOB);
                    }
                }
                if (file == null) {
                    throw new JobSpecException("no " + RunFolder.JOB + " in a folder above " + snapshot
                            + "; pass the run's job spec with --job JOB.yaml");
                }
            }
            runFolder = file.toAbsolutePath().getParent();
            return JobSpecLoader.load(file, List.of());
        }

        /** The loop the options select. */
        String loop(JobSpec jobSpec) throws JobSpecException {
            String base;
            if (jobSpec.isMultiTask()) {
                List<String> names = jobSpec.tasks().stream().map(JobSpec.Task::name).toList();
                if (task == null) {
                    throw new JobSpecException("the job has several tasks (" + String.join(", ", names)
                            + "); choose one with --task NAME");
                }
                if (!names.contains(task)) {
                    throw new JobSpecException("the job has no task '" + task + "' (tasks: " + String.join(", ", names)
                            + ")");
                }
                base = task;
            } else {
                if (task != null) {
                    throw new JobSpecException("--task applies to a job with several tasks; this one has none");
                }
                base = "";
            }
            return new Loop(base.isEmpty() ? null : base, baseline).name();
        }

        /** The selected loop's version in one savepoint. */
        SavepointModels.Version read(Path snapshot) throws Exception {
            if (!SavepointModels.isSnapshot(snapshot)) {
                throw new IllegalArgumentException(snapshot + " is not a savepoint or checkpoint (no _metadata in it)");
            }
            JobSpec jobSpec = jobSpec(snapshot);
            String loop = loop(jobSpec);
            for (SavepointModels.Version v : SavepointModels.read(snapshot, jobSpec)) {
                if (v.loop().equals(loop)) {
                    return v;
                }
            }
            throw new IllegalArgumentException(snapshot + " holds no model of "
                    + (loop.isEmpty() ? "the job" : "loop '" + loop + "'") + (baseline ? " (did a baseline run?)" : ""));
        }

        int fail(Exception e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
    }

    static Map<String, Object> metadata(Path snapshot, SavepointModels.Version v) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("snapshot", snapshot.toString());
        meta.put("loop", v.loop().isEmpty() ? null : v.loop());
        meta.put("version", v.version());
        if (!v.consistent()) {
            meta.put("shardVersions", v.versions());
        }
        meta.put("createdMillis", v.createdMillis() == 0 ? null : v.createdMillis());
        meta.put("samplesInModel", v.samplesInModel());
        meta.put("sourcesInModel", v.sourcesInModel());
        meta.put("rounds", v.rounds());
        meta.put("final", v.finished());
        Map<String, Object> model = new LinkedHashMap<>();
        ModelSpec m = v.model();
        model.put("type", m.type().name().toLowerCase(Locale.ROOT));
        model.put("features", m.features());
        model.put("classes", m.isClassifier() ? m.classes() : null);
        model.put("hidden", m.hidden());
        model.put("numParams", m.numParams());
        meta.put("model", model);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("prequentialAccuracy", finite(v.prequentialAccuracy()));
        metrics.put("prequentialLoss", finite(v.prequentialLoss()));
        meta.put("metrics", metrics);
        meta.put("jobId", v.jobId());
        Map<String, Object> parent = null;
        if (v.version() > 1) {
            parent = new LinkedHashMap<>();
            parent.put("version", v.version() - 1);
            parent.put("jobId", v.parentJobId());
        }
        meta.put("parent", parent);
        meta.put("checksum", v.checksum());
        return meta;
    }

    private static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }

    private static String fmt(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.4f", x) : "-";
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the model versions held by savepoints and checkpoints: version, time, samples,"
                    + " sources, rounds, prequential accuracy, checksum, the job that made it and its parent.")
    static final class ListVersions extends Common implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "SAVEPOINT", description = "Savepoints, checkpoints or folders of them.")
        List<Path> paths;

        @Option(names = "--json", description = "One JSON object per version instead of a table.")
        boolean asJson;

        @Override
        public Integer call() {
            try {
                List<Path> snapshots = new ArrayList<>();
                for (Path p : paths) {
                    List<Path> found = SavepointModels.snapshots(p);
                    if (found.isEmpty()) {
                        throw new IllegalArgumentException(p + " is not a savepoint or checkpoint and holds none");
                    }
                    snapshots.addAll(found);
                }
                if (!asJson) {
                    out().printf(Locale.ROOT, "%-9s %-20s %12s %8s %8s %9s %-14s %-8s %-12s %s%n", "version", "created",
                            "samples", "sources", "rounds", "preq.acc", "checksum", "job", "parent", "snapshot");
                }
                for (Path snapshot : snapshots) {
                    SavepointModels.Version v = read(snapshot);
                    if (asJson) {
                        out().println(new ObjectMapper().writeValueAsString(metadata(snapshot, v)));
                        continue;
                    }
                    String parent = v.version() > 1
                            ? "v" + (v.version() - 1) + (v.parentJobId() == null ? "" : "@" + shortId(v.parentJobId()))
                            : "-";
                    out().printf(Locale.ROOT, "%-9s %-20s %12d %8d %8d %9s %-14s %-8s %-12s %s%n",
                            "v" + v.version() + (v.consistent() ? "" : "*"),
                            v.createdMillis() == 0 ? "-" : Instant.ofEpochMilli(v.createdMillis()).toString().substring(0, 19),
                            v.samplesInModel(), v.sourcesInModel(), v.rounds(), fmt(v.prequentialAccuracy()),
                            v.checksum().substring(6), shortId(v.jobId()), parent, snapshot);
                }
                out().flush();
                return 0;
            } catch (Exception e) {
                return fail(e);
            }
        }
    }

    private static String shortId(String jobId) {
        return jobId == null ? "-" : jobId.substring(0, Math.min(8, jobId.length()));
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Prints the metadata of the model version a savepoint holds, as JSON.")
    static final class Show extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SAVEPOINT")
        Path snapshot;

        @Override
        public Integer call() {
            try {
                out().println(JSON.writeValueAsString(metadata(snapshot, read(snapshot))));
                out().flush();
                return 0;
            } catch (Exception e) {
                return fail(e);
            }
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Writes the model version a savepoint holds: json (metadata and parameters) or csv (for"
                    + " linear models one row per output: weights then bias; for an MLP one row per parameter).")
    static final class Export extends Common implements Callable<Integer> {
        enum Format { json, csv }

        @Parameters(index = "0", paramLabel = "SAVEPOINT")
        Path snapshot;

        @Option(names = "--format", defaultValue = "json", description = "json or csv (default: ${DEFAULT-VALUE}).")
        Format format;

        @Option(names = "--out", paramLabel = "FILE", description = "Output file (default: standard output).")
        Path outFile;

        @Override
        public Integer call() {
            try {
                SavepointModels.Version v = read(snapshot);
                String text = format == Format.json ? json(v) : csv(v);
                if (outFile == null) {
                    out().print(text);
                    out().flush();
                } else {
                    Files.writeString(outFile, text);
                    out().println(outFile);
                    out().flush();
                }
                return 0;
            } catch (Exception e) {
                return fail(e);
            }
        }

        private String json(SavepointModels.Version v) throws Exception {
            Map<String, Object> meta = metadata(snapshot, v);
            meta.put("params", v.params());
            return new ObjectMapper().writeValueAsString(meta) + "\n";
        }

        private static String csv(SavepointModels.Version v) {
            StringBuilder s = new StringBuilder();
            float[] p = v.params();
            ModelSpec m = v.model();
            if (m.type() == org.fedflink.model.ModelType.MLP) {
                s.append("index,value\n");
                for (int i = 0; i < p.length; i++) {
                    s.append(i).append(',').append(p[i]).append('\n');
                }
                return s.toString();
            }
            int width = m.features() + 1;
            s.append("output");
            for (int j = 0; j < m.features(); j++) {
                s.append(",w").append(j);
            }
            s.append(",bias\n");
            for (int row = 0; row < p.length / width; row++) {
                s.append(row);
                for (int j = 0; j < width; j++) {
                    s.append(',').append(p[row * width + j]);
                }
                s.append('\n');
            }
            return s.toString();
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true,
            description = "Scores a labelled file with the model version a savepoint holds, parsed and scaled as the"
                    + " run's training input was (the run's preprocessing.json), and prints the metrics as JSON: accuracy,"
                    + " log loss, macro-F1 (AUC for binary models; RMSE and MAE for regression).")
    static final class Evaluate extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SAVEPOINT")
        Path snapshot;

        @Option(names = "--data", required = true, paramLabel = "FILE", description = "The labelled file to score.")
        Path data;

        @Option(names = "--labels", paramLabel = "FILE", description = "The IDX labels file of IDX images.")
        Path labels;

        @Option(names = "--format", paramLabel = "FORMAT",
                description = "jsonl, csv, libsvm or idx (default: from the file name, else the run's input format).")
        org.fedflink.data.InputFormat format;

        @Override
        public Integer call() {
            try {
                SavepointModels.Version v = read(snapshot);
                String task = Loop.named(v.loop()).task();
                java.util.Optional<org.fedflink.artifact.Preprocessing> preprocessing = task == null
                        ? java.util.Optional.empty()
                        : org.fedflink.artifact.Preprocessing.find(runFolder.resolve(RunFolder.TASKS).resolve(task));
                if (preprocessing.isEmpty()) {
                    preprocessing = org.fedflink.artifact.Preprocessing.find(runFolder);
                }
                var metadata = JSON.valueToTree(metadata(snapshot, v));
                var model = new org.fedflink.artifact.SavedModel(snapshot, v.version(), jobSpec(snapshot).job(),
                        v.finished(), v.model(), v.params(), metadata);
                var summary = org.fedflink.predict.FilePredictor.builder(model, data)
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

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "Compares the model versions two savepoints hold: parameter distance (L2, relative L2, largest"
                    + " change, cosine similarity) and the change of version, samples and prequential metrics.")
    static final class Diff extends Common implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SAVEPOINT1")
        Path first;

        @Parameters(index = "1", paramLabel = "SAVEPOINT2")
        Path second;

        @Override
        public Integer call() {
            try {
                SavepointModels.Version a = read(first);
                SavepointModels.Version b = read(second);
                if (a.params().length != b.params().length || a.model().type() != b.model().type()) {
                    throw new IllegalArgumentException("the savepoints hold different models ("
                            + a.model().type() + " with " + a.params().length + " parameters, "
                            + b.model().type() + " with " + b.params().length + ")");
                }
                out().println(JSON.writeValueAsString(diff(a, b)));
                out().flush();
                return 0;
            } catch (Exception e) {
                return fail(e);
            }
        }

        static Map<String, Object> diff(SavepointModels.Version a, SavepointModels.Version b) {
            double dd = 0;
            double aa = 0;
            double bb = 0;
            double ab = 0;
            double largest = 0;
            int largestAt = -1;
            for (int i = 0; i < a.params().length; i++) {
                double x = a.params()[i];
                double y = b.params()[i];
                dd += (y - x) * (y - x);
                aa += x * x;
                bb += y * y;
                ab += x * y;
                if (Math.abs(y - x) > largest) {
                    largest = Math.abs(y - x);
                    largestAt = i;
                }
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("versions", List.of(a.version(), b.version()));
            d.put("jobIds", java.util.Arrays.asList(a.jobId(), b.jobId()));
            d.put("l2Distance", Math.sqrt(dd));
            d.put("relativeL2Distance", aa > 0 ? Math.sqrt(dd / aa) : null);
            d.put("largestChange", largest);
            d.put("largestChangeAt", largestAt);
            d.put("cosineSimilarity", aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : null);
            d.put("samplesInModelChange", b.samplesInModel() - a.samplesInModel());
            d.put("roundsChange", b.rounds() - a.rounds());
            d.put("prequentialAccuracyChange", finite(b.prequentialAccuracy() - a.prequentialAccuracy()));
            d.put("prequentialLossChange", finite(b.prequentialLoss() - a.prequentialLoss()));
            d.put("sameParameters", a.checksum().equals(b.checksum()) && dd == 0);
            return d;
        }
    }
}
