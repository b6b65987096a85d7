package org.fedflink.pipeline;

import java.util.List;
import java.util.Map;
import org.fedflink.artifact.SavedModel;

/**
 * The line of versions a model writer has published, kept in its operator state: the last
 * version written and the Flink job that wrote it, that version's parent (version and job), and
 * the newest version emitted to the model topic. A job resumed from an older savepoint finds here
 * that the versions after the savepoint's were written by another job.
 */
final class VersionLineage {

    private long lastVersion;
    private String lastJobId;
    private long parentVersion;
    private String parentJobId;
    /** -1 before the first. */
    private long lastEmitted = -1;

    /** The lineage of the strings {@link #state()} gave; none for fewer than four. */
    static VersionLineage restore(List<String> state) {
        VersionLineage lineage = new VersionLineage();
        if (state.size() >= 4) {
            lineage.lastVersion = Long.parseLong(state.get(0));
            lineage.lastJobId = state.get(1);
            lineage.parentVersion = Long.parseLong(state.get(2));
            lineage.parentJobId = state.get(3).isEmpty() ? null : state.get(3);
            // state written before model topics existed: take every version up to the last as emitted
            lineage.lastEmitted = state.size() >= 5 ? Long.parseLong(state.get(4)) : lineage.lastVersion;
        }
        return lineage;
    }

    /**
     * {last version, its job id, its parent's version, the parent's job id (empty for none), the
     * last version emitted}, as strings; empty before the first version is written.
     */
    List<String> state() {
        if (lastJobId == null) {
            return List.of();
        }
        return List.of(Long.toString(lastVersion), lastJobId, Long.toString(parentVersion),
                parentJobId == null ? "" : parentJobId, Long.toString(lastEmitted));
    }

    /** Whether the last version written was written by another job than {@code jobId}. */
    boolean lastWrittenByOtherThan(String jobId) {
        return lastJobId != null && !lastJobId.equals(jobId);
    }

    long lastVersion() {
        return lastVersion;
    }

    /** Takes {@code version}, written by {@code jobId}, as the last; its parent is the one before. */
    void written(long version, String jobId) {
        // each version is published once; should one come again, it keeps its own parent
        if (version != lastVersion) {
            parentVersion = lastVersion;
            parentJobId = lastJobId;
            lastVersion = version;
            lastJobId = jobId;
        }
    }

    /** The {@code parent} object of the last version's metadata ({@link SavedModel#parent}). */
    Map<String, Object> parent() {
        return SavedModel.parent(parentVersion, parentJobId);
    }

    /**
     * Takes {@code version} as emitted to the model topic if it is newer than every version emitted
     * before, so that consumers see a strictly increasing sequence across restores.
     *
     * @return whether to emit it
     */
    boolean emit(long version) {
        if (version <= lastEmitted) {
            return false;
        }
        lastEmitted = version;
        return true;
    }
}
