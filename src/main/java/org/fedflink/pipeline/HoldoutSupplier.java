package org.fedflink.pipeline;

import java.io.Serializable;
import org.fedflink.eval.HoldoutSets;

/**
 * Produces the held-out sets every model version is scored on: the primary one and the named ones
 * of {@code evaluation.holdouts} (called once per model writer, on the TaskManager).
 */
@FunctionalInterface
public interface HoldoutSupplier extends Serializable {
    HoldoutSets get() throws Exception;
}
