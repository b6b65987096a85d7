package org.fedflink.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code tasks:} list of a job spec: several learning tasks trained side by side over one
 * input. Each task is the job's own tree with the task's sections merged in key by key (a task's
 * {@code model.type} replaces the job's, the job's {@code model.features} stays), then bound and
 * checked like any job spec, so a task is exactly the job spec a user could have written for it
 * alone. Overrides aimed at one task ({@code --set tasks.NAME.key=value}) are applied to that
 * task's merged tree.
 */
final class Tasks {
    /** The sections a task may set; everything else (input, trainer, checkpoint...) is the job's. */
    static final List<String> SECTIONS = List.of("model", "optimizer", "rounds", "aggregation", "evaluation");

    private static final List<String> KEYS = List.of(
            "name", "label", "labelNames", "model", "optimizer", "rounds", "aggregation", "evaluation");

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    /** Prefix of {@code --set} overrides aimed at one task. */
    static final String OVERRIDE_PREFIX = "tasks.";

    interface Binder {
        JobSpec bind(SpecNode.Section tree) throws JobSpecException;
    }

    private Tasks() {}

    /**
     * Binds every task of {@code tasksNode} over the job's tree {@code top} (already overridden).
     *
     * @param overrides the {@code tasks.NAME.key=value} overrides
     * @return the first task's spec carrying the list of all tasks
     */
    static JobSpec bind(SpecNode.Section top, SpecNode tasksNode, List<String> overrides, Binder binder)
            throws JobSpecException {
        if (!(tasksNode instanceof SpecNode.Sequence sequence)) {
            throw Messages.mustBe("tasks", "a list of task sections (- name: ..., model: ...)",
                    Messages.describe(tasksNode));
        }
        Map<String, List<String>> overridesByTask = overridesByTask(overrides);
        List<String> labels = labels(top, sequence);
        List<JobSpec.Task> tasks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < sequence.elements().size(); i++) {
            String path = "tasks[" + i + "]";
            if (!(sequence.elements().get(i) instanceof SpecNode.Section task)) {
                throw Messages.mustBe(path, "a section (name, label, model, ...)",
                        Messages.describe(sequence.elements().get(i)));
            }
            for (String key : task.entries().keySet()) {
                if (!KEYS.contains(key)) {
                    throw new JobSpecException("unknown key " + Messages.key(path + "." + key) + " (allowed in a task: "
                            + String.join(", ", KEYS) + ")");
                }
            }
            String name = name(task.entries().get("name"), path);
            if (!names.add(name)) {
                throw new JobSpecException("key " + Messages.key(path + ".name") + " repeats the task name '" + name
                        + "' (each task needs its own name)");
            }
            SpecNode.Section merged = copy(top);
            for (String section : SECTIONS) {
                SpecNode own = task.entries().get(section);
                if (!SpecNode.isAbsent(own)) {
                    if (!(own instanceof SpecNode.Section ownSection)) {
                        throw Messages.mustBe(path + "." + section, "a section (key: value pairs)",
                                Messages.describe(own));
                    }
                    merge(merged, section, ownSection);
                }
            }
            // The label is the task's, though its keys live in the job's input section.
            SpecNode label = task.entries().get("label");
            if (!SpecNode.isAbsent(label)) {
                if (!(label instanceof SpecNode.Scalar)) {
                    throw Messages.mustBe(path + ".label", "a field or column name", Messages.describe(label));
                }
                SpecNode.Section fields = new SpecNode.Section();
                fields.entries().put("label", label);
                SpecNode.Section input = new SpecNode.Section();
                input.entries().put("fields", fields);
                merge(merged, "input", input);
            }
            SpecNode labelNames = task.entries().get("labelNames");
            if (labelNames != null) {
                SpecNode.Section input = new SpecNode.Section();
                input.entries().put("labelNames", labelNames);
                merge(merged, "input", input);
            }
            ignoreOtherLabels(merged, labels, labels.get(i));
            try {
                Overrides.apply(merged, overridesByTask.remove(name));
                tasks.add(new JobSpec.Task(name, binder.bind(merged)));
            } catch (JobSpecException e) {
                throw new JobSpecException("task '" + name + "': " + e.getMessage());
            }
        }
        if (!overridesByTask.isEmpty()) {
            String name = overridesByTask.keySet().iterator().next();
            throw new JobSpecException("--set '" + Messages.clean(overridesByTask.get(name).get(0)) + "' names task '"
                    + Messages.clean(name) + "', which the job spec does not declare (tasks: "
                    + String.join(", ", tasks.stream().map(JobSpec.Task::name).toList()) + ")");
        }
        if (tasks.stream().anyMatch(t -> t.spec().input().readBy() == JobSpec.ReadBy.TRAINERS)) {
            throw new JobSpecException("key 'input.readBy' cannot be trainers in a job of tasks (the tasks share one"
                    + " reading of the input); use auto or readers");
        }
        return tasks.get(0).spec().withTasks(tasks);
    }

    /** Each task's label field: its own {@code label}, else the job's {@code input.fields.label}. */
    private static List<String> labels(SpecNode.Section top, SpecNode.Sequence tasks) {
        String jobLabel = text(section(section(top, "input"), "fields"), "label");
        List<String> labels = new ArrayList<>();
        for (SpecNode task : tasks.elements()) {
            String own = task instanceof SpecNode.Section t ? text(t, "label") : null;
            labels.add(own != null ? own : jobLabel != null ? jobLabel : "label");
        }
        return labels;
    }

    /**
     * In a CSV input every column that is not source, time or label is a feature, so another task's
     * label column must be ignored: it is added to {@code input.csv.ignore} (sorted, so that a
     * spec written back by {@code toYaml} binds to the same tasks).
     */
    private static void ignoreOtherLabels(SpecNode.Section tree, List<String> labels, String own) {
        SpecNode.Section input = section(tree, "input");
        String type = text(input, "type");
        if (type == null || !type.equalsIgnoreCase("csv") || labels.stream().allMatch(own::equals)) {
            return;
        }
        java.util.TreeSet<String> ignore = new java.util.TreeSet<>(labels);
        SpecNode.Section csv = section(input, "csv");
        SpecNode existing = csv == null ? null : csv.entries().get("ignore");
        if (existing instanceof SpecNode.Sequence list) {
            for (SpecNode column : list.elements()) {
                if (column instanceof SpecNode.Scalar scalar) {
                    ignore.add(scalar.text());
                }
            }
        } else if (existing instanceof SpecNode.Scalar scalar && !scalar.isNull()) {
            // as the binder reads it: --set input.csv.ignore=id,kind
            for (String column : scalar.text().split(",", -1)) {
                ignore.add(column.strip());
            }
        }
        ignore.remove(own);
        SpecNode.Section patch = new SpecNode.Section();
        patch.entries().put("ignore",
                new SpecNode.Sequence(ignore.stream().map(name -> (SpecNode) SpecNode.Scalar.string(name)).toList()));
        SpecNode.Section inputPatch = new SpecNode.Section();
        inputPatch.entries().put("csv", patch);
        merge(tree, "input", inputPatch);
    }

    private static SpecNode.Section section(SpecNode.Section parent, String key) {
        return parent != null && parent.entries().get(key) instanceof SpecNode.Section child ? child : null;
    }

    private static String text(SpecNode.Section parent, String key) {
        return parent != null && parent.entries().get(key) instanceof SpecNode.Scalar scalar && !scalar.isNull()
                ? scalar.text()
                : null;
    }

    /** Rejects task overrides when the job declares no tasks. */
    static void checkNoTaskOverrides(List<String> overrides) throws JobSpecException {
        if (!overrides.isEmpty()) {
            throw new JobSpecException("--set '" + Messages.clean(overrides.get(0))
                    + "' names a task, but the job spec declares no tasks");
        }
    }

    /** Splits overrides into the job's and the tasks' ({@code tasks.NAME.rest=value}). */
    static List<List<String>> split(List<String> overrides) {
        List<String> job = new ArrayList<>();
        List<String> tasks = new ArrayList<>();
        if (overrides != null) {
            for (String override : overrides) {
                (override != null && override.startsWith(OVERRIDE_PREFIX) ? tasks : job).add(override);
            }
        }
        return List.of(job, tasks);
    }

    private static Map<String, List<String>> overridesByTask(List<String> overrides) throws JobSpecException {
        Map<String, List<String>> byTask = new LinkedHashMap<>();
        for (String override : overrides) {
            String rest = override.substring(OVERRIDE_PREFIX.length());
            int dot = rest.indexOf('.');
            int eq = rest.indexOf('=');
            if (dot <= 0 || (eq >= 0 && eq < dot)) {
                throw new JobSpecException("--set '" + Messages.clean(override)
                        + "' must look like tasks.NAME.key.path=value");
            }
            String key = rest.substring(dot + 1);
            String section = key.split("[.=]", 2)[0];
            if (!SECTIONS.contains(section)) {
                throw new JobSpecException("--set '" + Messages.clean(override) + "': a task's own keys are in "
                        + String.join(", ", SECTIONS) + " (the rest is the job's: --set " + key.split("=", 2)[0]
                        + "=...)");
            }
            byTask.computeIfAbsent(rest.substring(0, dot), k -> new ArrayList<>()).add(key);
        }
        return byTask;
    }

    private static String name(SpecNode node, String path) throws JobSpecException {
        if (SpecNode.isAbsent(node)) {
            throw Messages.missing(path + ".name");
        }
        if (!(node instanceof SpecNode.Scalar scalar) || !NAME.matcher(scalar.text()).matches()) {
            throw Messages.mustBe(path + ".name",
                    "1 to 32 lower-case letters, digits, '_' or '-' (it names a folder)", Messages.describe(node));
        }
        return scalar.text();
    }

    /** Merges {@code own} into {@code tree}'s section {@code key}, key by key and into nested sections. */
    private static void merge(SpecNode.Section tree, String key, SpecNode.Section own) {
        SpecNode existing = tree.entries().get(key);
        if (!(existing instanceof SpecNode.Section target)) {
            tree.entries().put(key, copy(own));
            return;
        }
        for (Map.Entry<String, SpecNode> e : own.entries().entrySet()) {
            if (e.getValue() instanceof SpecNode.Section nested) {
                merge(target, e.getKey(), nested);
            } else {
                target.entries().put(e.getKey(), e.getValue());
            }
        }
    }

    /** A deep copy of the sections; scalars and lists are immutable and shared. */
    private static SpecNode.Section copy(SpecNode.Section section) {
        SpecNode.Section copy = new SpecNode.Section();
        for (Map.Entry<String, SpecNode> e : section.entries().entrySet()) {
            copy.entries().put(e.getKey(), e.getValue() instanceof SpecNode.Section s ? copy(s) : e.getValue());
        }
        return copy;
    }
}
