package org.fedflink.config;

/** A job spec that cannot run; the message is one line naming the key, the value and what is allowed. */
public final class JobSpecException extends Exception {
    public JobSpecException(String message) {
        super(message);
    }
}
