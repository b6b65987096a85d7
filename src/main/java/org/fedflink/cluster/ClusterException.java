package org.fedflink.cluster;

/** A cluster command that cannot be carried out; the message is one line saying what and where to look. */
public final class ClusterException extends Exception {
    public ClusterException(String message) {
        super(message);
    }
}
