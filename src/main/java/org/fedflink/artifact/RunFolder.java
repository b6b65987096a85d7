package org.fedflink.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds model versions in run folders. The layout (docs/running-jobs.md, "The run folder"):
 *
 * <pre>
 * RUN/                        a run of one task
 *   models/vNNNNNNNN.json     metadata of version N (see {@link SavedModel}); vNNNNNNNN.f32: parameters
 *   models/latest.json        the newest version's metadata
 *   baseline/models/...       the centralized baseline's versions, when one ran
 *   preprocessing.json        how the input was parsed and scaled (see {@link Preprocessing})
 * RUN/tasks/NAME/             a run of several tasks: each task's models/, baseline/models/ and,
 *                             when the task parses its input its own way, preprocessing.json
 * </pre>
 *
 * A model is named by a path, {@link #load}: a run folder (with a {@link Selection} of task,
 * baseline and version), a {@code models/} folder (with a version), or one metadata file. The
 * preprocessing that goes with it is looked up from the model's folder upwards: the task's (or
 * baseline's) own folder first, then the run's.
 */
public final class RunFolder {

    // The run folder's names, one owner for every tool that writes or reads them.
    /** The global model versions ({@code vNNNNNNNN.f32} and {@code .json}). */
    public static final String MODELS = "models";
    /** The centralized baseline's run folder inside the run's. */
    public static final String BASELINE = "baseline";
    /** The local-only baseline's folder. */
    public static final String LOCAL_BASELINE = "baseline-local";
    /** Folder of the tasks' parts in the run folder of a job with {@code tasks:}. */
    public static final String TASKS = "tasks";
    /** The newest version's metadata, in {@link #MODELS}. */
    public static final String LATEST = "latest.json";
    /** One row per published version. */
    public static final String METRICS = "metrics.csv";
    /** The run's figures at its end. */
    public static final String SUMMARY = "summary.json";
    /** One row per data source. */
    public static final String SOURCES = "sources.csv";
    /** One row per detected concept drift. */
    public static final String DRIFTS = "drifts.csv";
    /** Records that were not examples, each with its reason. */
    public static final String DEAD_LETTER = "dead-letter.jsonl";
    /** The prequential predictions, when asked for. */
    public static final String PREDICTIONS = "predictions.jsonl";
    /** The effective job spec. */
    public static final String JOB = "job.yaml";
    /** Retained checkpoints of a run on the embedded cluster. */
    public static final String CHECKPOINTS = "checkpoints";
    /** The run's charts. */
    public static final String REPORT = "report.html";

    /**
     * The folder of the {@code reading}-th extra reading of the input (1, 2, ...: the second and
     * later readings of a multi-task job), which holds that reading's counts and dead letters.
     */
    public static String inputFolder(int reading) {
        return "input-" + reading;
    }

    private static final Pattern VERSION_FILE = Pattern.compile("v(\\d{8,18})\\.json");

    private RunFolder() {}

    /**
     * Which model of a run folder.
     *
     * @param task the task of a run of several tasks; null for a run of one task (or when the run
     *     has exactly one task)
     * @param baseline the centralized baseline's model instead of the federated one
     * @param version the version number; null for the newest ({@code latest.json})
     */
    public record Selection(String task, boolean baseline, Long version) {
        /** The newest federated model of a run of one task. */
        public static Selection latest() {
            return new Selection(null, false, null);
        }

        boolean isDefault() {
            return task == null && !baseline && version == null;
        }
    }

    /**
     * A verified model version and where it came from.
     *
     * @param model the model, checksum and shape verified
     * @param preprocessing the run's recorded preprocessing; empty for runs that did not record
     *     one (the generator, or runs from before it was recorded)
     * @param runFolder the run folder the model belongs to (found upwards from a model file)
     * @param task the task's name, or null in a run of one task
     * @param baseline whether it is the centralized baseline's model
     */
    public record LocatedModel(
            SavedModel model, Optional<Preprocessing> preprocessing, Path runFolder, String task, boolean baseline) {}

    /**
     * Loads the model a path names.
     *
     * @param path a run folder, a {@code models/} folder, or a {@code vNNNNNNNN.json} /
     *     {@code latest.json} file
     * @param selection task, baseline and version; a models folder takes only a version, a model
     *     file nothing
     * @throws ArtifactException with a one-line message: the path is none of these, the version is
     *     missing, the run has several tasks and none was chosen, the model is corrupt, ...
     */
    public static LocatedModel load(Path path, Selection selection) {
        if (!Files.exists(path)) {
            throw new ArtifactException(path + " does not exist");
        }
        Path modelFile;
        if (Files.isRegularFile(path)) {
            if (!selection.isDefault()) {
                throw new ArtifactException(path + " is one model file: its task, baseline and version cannot be"
                        + " chosen (give the run folder instead)");
            }
            modelFile = path;
        } else if (isRunLike(path)) {
            modelFile = versionFile(modelsDir(path, selection.task(), selection.baseline()), selection.version());
        } else if (isModelsDir(path)) {
            if (selection.task() != null || selection.baseline()) {
                throw new ArtifactException(path + " is a models folder: its task and baseline cannot be chosen"
                        + " (give the run folder instead)");
            }
            modelFile = versionFile(path, selection.version());
        } else {
            throw new ArtifactException(path + " is not a run folder, a models folder or a model file (it has no "
                    + MODELS + "/, " + TASKS + "/ or vNNNNNNNN.json)");
        }
        SavedModel model = SavedModel.load(modelFile);
        return context(model);
    }

    /** Where a loaded model sits: run folder, task, baseline, and the preprocessing found upwards. */
    private static LocatedModel context(SavedModel model) {
        Path modelsDir = model.file().toAbsolutePath().normalize().getParent();
        Path home = modelsDir.getParent() == null ? modelsDir : modelsDir.getParent();
        List<Path> homes = new ArrayList<>();
        homes.add(home);
        boolean baseline = false;
        String task = null;
        Path dir = home;
        // a folder named baseline is the baseline's only inside a run (beside the federated models/)
        if (name(dir).equals(BASELINE) && dir.getParent() != null && isRunLike(dir.getParent())) {
            baseline = true;
            dir = dir.getParent();
            homes.add(dir);
        }
        if (dir.getParent() != null && name(dir.getParent()).equals(TASKS) && dir.getParent().getParent() != null) {
            task = name(dir);
            dir = dir.getParent().getParent();
            homes.add(dir);
        }
        Optional<Preprocessing> preprocessing = Optional.empty();
        for (Path h : homes) {
            preprocessing = Preprocessing.find(h);
            if (preprocessing.isPresent()) {
                break;
            }
        }
        return new LocatedModel(model, preprocessing, dir, task, baseline);
    }

    /**
     * The task names of a run of several tasks (the folders under {@code tasks/}, sorted); empty for
     * a run of one task.
     */
    public static List<String> tasks(Path runFolder) {
        Path tasks = runFolder.resolve(TASKS);
        if (!Files.isDirectory(tasks)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(tasks)) {
            return children.filter(Files::isDirectory)
                    .map(RunFolder::name)
                    .filter(n -> !n.startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + tasks, e);
        }
    }

    /**
     * The {@code models/} folder of a run's task, federated or baseline.
     *
     * @param task the task, or null for a run of one task (or of exactly one declared task)
     * @throws ArtifactException when the task is missing, unknown or not wanted, or the folder is absent
     */
    public static Path modelsDir(Path runFolder, String task, boolean baseline) {
        List<String> tasks = tasks(runFolder);
        Path home = runFolder;
        if (task != null) {
            if (tasks.isEmpty()) {
                throw new ArtifactException("run " + runFolder + " has no tasks (it is a run of one task); leave out"
                        + " --task");
            }
            if (!tasks.contains(task)) {
                throw new ArtifactException("run " + runFolder + " has no task '" + task + "' (tasks: "
                        + String.join(", ", tasks) + ")");
            }
            home = runFolder.resolve(TASKS).resolve(task);
        } else if (!tasks.isEmpty() && !Files.isDirectory(runFolder.resolve(MODELS))) {
            if (tasks.size() > 1) {
                throw new ArtifactException("run " + runFolder + " has " + tasks.size() + " tasks; choose one with"
                        + " --task (tasks: " + String.join(", ", tasks) + ")");
            }
            home = runFolder.resolve(TASKS).resolve(tasks.get(0));
        }
        if (baseline) {
            home = home.resolve(BASELINE);
            if (!Files.isDirectory(home.resolve(MODELS))) {
                throw new ArtifactException((task == null ? "run " + runFolder : "task '" + task + "' of run " + runFolder)
                        + " has no baseline models (no " + runFolder.relativize(home.resolve(MODELS))
                        + "/: the job's evaluation.baseline was not centralized)");
            }
        }
        Path models = home.resolve(MODELS);
        if (!Files.isDirectory(models)) {
            throw new ArtifactException(home + " has no " + MODELS + "/ folder (the run published no model)");
        }
        return models;
    }

    /**
     * The metadata file of a version in a {@code models/} folder.
     *
     * @param version the version, or null for the newest: {@code latest.json}, or the highest
     *     {@code vNNNNNNNN.json} when there is none
     * @throws ArtifactException when the version (or any version) is missing
     */
    public static Path versionFile(Path modelsDir, Long version) {
        List<Long> versions = versions(modelsDir);
        if (version == null) {
            Path latest = modelsDir.resolve(LATEST);
            if (Files.isRegularFile(latest)) {
                return latest;
            }
            if (versions.isEmpty()) {
                throw new ArtifactException(modelsDir + " has no model versions (no " + LATEST
                        + " or vNNNNNNNN.json)");
            }
            return modelsDir.resolve(SavedModel.fileName(versions.get(versions.size() - 1)));
        }
        Path file = modelsDir.resolve(SavedModel.fileName(version));
        if (!Files.isRegularFile(file)) {
            String has = versions.isEmpty() ? "it has no versions"
                    : "it has " + versions.size() + (versions.size() == 1 ? " version, " : " versions, ")
                            + (versions.size() == 1 ? versions.get(0)
                                    : versions.get(0) + " to " + versions.get(versions.size() - 1));
            throw new ArtifactException("no version " + version + " in " + modelsDir + " (" + has + ")");
        }
        return file;
    }

    /** The version numbers of the {@code vNNNNNNNN.json} files of a {@code models/} folder, ascending. */
    public static List<Long> versions(Path modelsDir) {
        if (!Files.isDirectory(modelsDir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(modelsDir)) {
            return children.map(p -> VERSION_FILE.matcher(name(p)))
                    .filter(Matcher::matches)
                    .map(m -> Long.parseLong(m.group(1)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + modelsDir, e);
        }
    }

    /** A run folder, a baseline folder or a task folder: it holds models/ or tasks/. */
    private static boolean isRunLike(Path dir) {
        return Files.isDirectory(dir.resolve(MODELS)) || Files.isDirectory(dir.resolve(TASKS));
    }

    private static boolean isModelsDir(Path dir) {
        return Files.isRegularFile(dir.resolve(LATEST)) || !versions(dir).isEmpty();
    }

    private static String name(Path p) {
        Path name = p.getFileName();
        return name == null ? "" : name.toString();
    }
}
