package org.fedflink.pipeline;

import java.io.Serializable;
import java.util.List;
import org.fedflink.data.Example;

/** Produces the held-out examples every model version is scored on (called once per writer). */
@FunctionalInterface
public interface HoldoutSupplier extends Serializable {
    List<Example> get() throws Exception;
}
