package org.fedflink.config;

import java.nio.file.Path;
import java.util.List;

/** Reads, overrides, defaults and validates job specs. */
public final class JobSpecLoader {
    private JobSpecLoader() {}

    /**
     * Loads a YAML job spec.
     *
     * @param file the YAML file
     * @param overrides {@code key.path=value} strings from {@code --set}, applied in order
     * @throws JobSpecException with a one-line message naming the key, the value and what is allowed
     */
    public static JobSpec load(Path file, List<String> overrides) throws JobSpecException {
        throw new UnsupportedOperationException("TODO");
    }

    /** Loads a job spec from YAML text (same rules as {@link #load(Path, List)}). */
    public static JobSpec parse(String yaml, List<String> overrides) throws JobSpecException {
        throw new UnsupportedOperationException("TODO");
    }
}
