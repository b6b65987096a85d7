package org.fedflink.federation;

/**
 * An {@code (epsilon, delta)}-DP guarantee and the Rényi order it was derived from (useful to see
 * whether the order list covers the optimum: an optimum at the smallest or largest order suggests
 * extending the list).
 *
 * @param epsilon the privacy loss; {@code >= 0}, possibly infinite
 * @param delta the failure probability, in {@code [0, 1]}
 * @param order the RDP order that gave the tightest bound
 */
public record PrivacySpent(double epsilon, double delta, double order) {}
