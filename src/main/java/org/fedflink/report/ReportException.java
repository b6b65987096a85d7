package org.fedflink.report;

/**
 * A folder cannot be reported on: it does not exist, or lacks {@code summary.json} or
 * {@code metrics.csv}, or its {@code summary.json} is not JSON. The message is one lower-case line
 * naming the folder and the problem. Absent optional files and columns are never an error: the
 * report omits their charts and says so.
 */
public final class ReportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
