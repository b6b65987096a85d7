package org.fedflink.kafka;

/** A local Kafka broker could not be started, stopped or reached; the message is one line for a person. */
public final class BrokerException extends Exception {
    public BrokerException(String message) {
        super(message);
    }
}
