package org.fedflink.pipeline;

import java.nio.file.Path;
import org.fedflink.artifact.RunFolder;

/**
 * One learning loop of a job: a task's own model (federated, or centralized for a centralized
 * task) or its centralized baseline. It names what the job builds for it and what the savepoint
 * tools look for, so the two cannot drift apart: the prefix of its operators' uids (which a
 * savepoint keys its state by, so they never change), its name in {@code fedflink models}, and its
 * folder in the run folder.
 *
 * @param task the task's name; null for a job of one task
 * @param baseline whether this is the task's centralized baseline
 */
public record Loop(String task, boolean baseline) {

    /** The task's own model. */
    public static Loop of(String task) {
        return new Loop(task, false);
    }

    /** The task's centralized baseline. */
    public static Loop baselineOf(String task) {
        return new Loop(task, true);
    }

    /**
     * The loop of a {@link #name()}.
     *
     * @throws IllegalArgumentException if {@code name} is null
     */
    public static Loop named(String name) {
        if (name == null) {
            throw new IllegalArgumentException("a loop name is required");
        }
        String suffix = "/" + RunFolder.BASELINE;
        if (name.equals(RunFolder.BASELINE)) {
            return baselineOf(null);
        }
        if (name.endsWith(suffix)) {
            return baselineOf(name.substring(0, name.length() - suffix.length()));
        }
        return of(name.isEmpty() ? null : name);
    }

    /** Prefix of the loop's operator uids: {@code ""}, {@code TASK/}, {@code baseline-}, {@code TASK/baseline-}. */
    public String uidPrefix() {
        String taskPrefix = task == null ? "" : task + "/";
        return baseline ? taskPrefix + RunFolder.BASELINE + "-" : taskPrefix;
    }

    /** The uid of the loop's aggregator, whose state holds the loop's model. */
    public String aggregatorUid() {
        return uidPrefix() + StateDescriptors.UID_AGGREGATOR;
    }

    /** The loop's name: {@code ""}, {@code TASK}, {@code baseline} or {@code TASK/baseline}. */
    public String name() {
        String taskName = task == null ? "" : task;
        if (!baseline) {
            return taskName;
        }
        return taskName.isEmpty() ? RunFolder.BASELINE : taskName + "/" + RunFolder.BASELINE;
    }

    /** The loop's folder, given its task's folder in the run folder. */
    public Path dir(Path taskDir) {
        return baseline ? taskDir.resolve(RunFolder.BASELINE) : taskDir;
    }
}
