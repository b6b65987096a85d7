/**
 * Concept-drift detectors in plain Java: {@link org.fedflink.drift.Adwin} (Bifet and Gavaldà's
 * ADWIN2) and {@link org.fedflink.drift.PageHinkley} (Page's cumulative test), behind the small
 * {@link org.fedflink.drift.DriftDetector} interface and created from validated configuration
 * records ({@link org.fedflink.drift.DetectorConfig}).
 *
 * <p>They are fed one figure per example, such as the prequential 0/1 error or loss of a source or
 * of the federation, and say at which example the figure's mean changed. Like {@code model/} and
 * {@code federation/} the package imports nothing from Flink (ArchitectureTest keeps it so): an
 * operator holds a detector's {@link org.fedflink.drift.DriftDetector#toState() state} as a
 * {@code double[]} in its keyed state and calls the detector, as {@code LocalTrainer} does with
 * {@code model/}.
 *
 * <p>What a learning loop does about a detection is here too, as plain logic the operators call:
 * {@link org.fedflink.drift.DriftSettings} (the job spec's {@code drift} section),
 * {@link org.fedflink.drift.DriftReaction} (a source's detector and its restarts) and
 * {@link org.fedflink.drift.FederationDrift} (the server's detector, its count of drifts and the
 * small rounds after one), both {@link org.fedflink.drift.ErrorWatcher}s.
 */
package org.fedflink.drift;
