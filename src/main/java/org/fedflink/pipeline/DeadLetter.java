package org.fedflink.pipeline;

/** An input record that could not be used, with the reason; written to the dead-letter output. */
public record DeadLetter(String origin, long position, String reason, String raw) {}
