package org.fedflink.bench;

/**
 * How a task subtask spent the training time, from Flink's own gauges: fractions of wall-clock
 * time busy (processing records), back-pressured (blocked on a full output) and idle (waiting for
 * input). The busiest task that is not back-pressured is the bottleneck; a task busy close to 1
 * on a machine with fewer free cores than busy tasks is also waiting for a core.
 *
 * @param task the task's name (its chained operators)
 * @param subtask the subtask index
 */
public record TaskTimes(String task, String subtask, double busy, double backPressured, double idle) {}
