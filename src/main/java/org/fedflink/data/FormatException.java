package org.fedflink.data;

/**
 * A whole input is not what it was declared to be (not the declared format at all, a CSV header
 * without the label column, an IDX file with the wrong magic number). Unlike
 * {@link InvalidRecordException}, which dead-letters one record, this stops the job before it
 * starts; the message is one line that names the file and the problem.
 */
public final class FormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FormatException(String message) {
        super(message);
    }

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
