package org.fedflink.data;

/** A record that is not a valid example; the message is the reason written to the dead letter. */
public final class InvalidRecordException extends Exception {
    public InvalidRecordException(String reason) {
        super(reason, null, false, false);
    }
}
