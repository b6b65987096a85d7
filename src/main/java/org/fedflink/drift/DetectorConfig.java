package org.fedflink.drift;

import java.io.Serializable;

/**
 * The settings of one kind of drift detector: an immutable, validated record that makes fresh
 * detectors. Serializable so that a Flink function can carry it to the task that builds its
 * detectors.
 */
public sealed interface DetectorConfig extends Serializable permits AdwinConfig, PageHinkleyConfig {

    /** A new detector with these settings and no observations. */
    DriftDetector create();

    /** The kind of detector these settings make, as {@link DriftDetector#name()}. */
    String name();
}
