package org.fedflink.pipeline;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-JVM hand-off from an aggregator subtask to the co-located feedback source subtask.
 *
 * <p>It <em>conflates</em>: it holds only the newest model, because a model is a versioned state
 * and a bounded queue inside a cycle deadlocks under back-pressure; a piece holding only the
 * coordinates its version changed is merged into the one it replaces ({@link
 * GlobalModel#followedBy}). Channels are found in a
 * JVM-wide registry keyed by a loop id (generated when the job graph is built) and the subtask
 * index; both ends remove their channel on close, and Flink deploys a new attempt only after the
 * old tasks are terminal, so each attempt starts with a fresh channel. This is the mechanism of
 * Flink 1.x's {@code StreamIterationHead}/{@code Tail} broker.
 */
public final class FeedbackChannel {

    private static final Map<String, FeedbackChannel> REGISTRY = new ConcurrentHashMap<>();

    private GlobalModel latest;
    private boolean ended;
    private CompletableFuture<Void> available = new CompletableFuture<>();
    private final CompletableFuture<Void> endedFuture = new CompletableFuture<>();

    private FeedbackChannel() {}

    /** The channel of one subtask of one loop, created on first use. */
    public static FeedbackChannel of(String loopId, int subtask) {
        return REGISTRY.computeIfAbsent(key(loopId, subtask), k -> new FeedbackChannel());
    }

    /** Forgets the channel (either end calls this on close). */
    public static void release(String loopId, int subtask) {
        REGISTRY.remove(key(loopId, subtask));
    }

    private static String key(String loopId, int subtask) {
        return loopId + "/" + subtask;
    }

    /** Publishes a model; replaces any model not yet taken. */
    public synchronized void offer(GlobalModel model) {
        if (ended) {
            return;
        }
        if (latest == null || model.version() >= latest.version()) {
            latest = latest == null || model.version() == latest.version() ? model : latest.followedBy(model);
        }
        available.complete(null);
    }

    /** No more models will come; the source finishes after taking the last one. */
    public synchronized void end() {
        ended = true;
        available.complete(null);
        endedFuture.complete(null);
    }

    /**
     * Completes when the channel ends, whether or not anyone takes its models: the Kafka feedback
     * source (which gets the models from the model topic) finishes on it.
     */
    public CompletableFuture<Void> ended() {
        return endedFuture;
    }

    /** Takes the pending model, or {@code null}. */
    public synchronized GlobalModel poll() {
        GlobalModel model = latest;
        latest = null;
        if (!ended && available.isDone()) {
            available = new CompletableFuture<>();
        }
        return model;
    }

    public synchronized boolean isEndedAndDrained() {
        return ended && latest == null;
    }

    /** Completes when a model is offered or the channel ends. */
    public synchronized CompletableFuture<Void> available() {
        return available;
    }
}
