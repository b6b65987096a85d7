package org.fedflink.pipeline;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.io.AvailabilityProvider;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.fedflink.data.Example;
import org.fedflink.io.KeyGroupCursor;
import org.fedflink.io.RecordSequence;

/**
 * How a trainer subtask reads its own share of the input ({@code input.readBy}): the records
 * of the sources of its key groups, in the input's order, in batches run from the task's mailbox
 * between the records of its network input, so reading, parsing and training share one thread and
 * no example crosses a shuffle. It does what the readers and the ingest otherwise do: each record
 * is checked ({@link IngestLedger}; an invalid one becomes a dead letter), gets its event time, and
 * the watermark follows {@link TrainerInput#watermarkDelayMillis()} behind the newest; the reading
 * keeps to {@link TrainerInput#ratePerSecond()}. It reads only while the task's outputs take records:
 * a back-pressured trainer that kept reading would block in the middle of a batch, and its network
 * input — the global models and the barriers — would wait behind it, so it waits, as a task waits
 * before taking a record off its input.
 *
 * <p>Nor does it read far ahead of the loop: once the updates it sent because a source had its
 * {@code rounds.localExamples} examples, and that no global model it received has folded in yet,
 * reach {@link #ROUNDS_AHEAD} rounds' worth of its share, it waits for the next global model. A
 * model folds in its round's updates ({@link GlobalModel#roundUpdates}), of which this subtask's
 * share is its sources among those the model holds (sources hash unevenly: counted as an even
 * share, the subtask with more of them waited on every round and the bench's 100 sources ran at
 * 285–304k examples/s instead of 554k). Updates an event-time boundary sends are not counted: the
 * watermark paces them, and only reading moves it on (at 100,000 sources nearly every update is
 * one). A wait that ends without a model (a round larger than the last, rounds that need more of
 * this subtask's sources) counts a round's worth as folded and halves the next wait; the first
 * wait is {@link #MAX_WAIT_MILLIS}, as a cold loop's round trip takes up to ~100 ms, and each
 * then twice the last that ended with a model. Without a bound, a trainer that reads faster than
 * the loop turns (a small input, a cold JVM) trained its sources on the same old model throughout:
 * on 6,000 SEA examples the rounds' staleness rose to 25 versions and the federated model's
 * holdout accuracy ended at 0.809 against 0.851 read by readers; bounding the examples read since
 * the last model came in instead (4 rounds' worth) still left a mean staleness of 5–8 (0.839–0.852)
 * and cost the bench's throughput at 100,000 sources. With this bound: mean staleness 0.5–1.1,
 * 0.847–0.858 in five runs (readers 0.851–0.856 in four). With {@code rounds.feedback: kafka} the
 * models come once the checkpoint that wrote them completes, and the trainers do not wait for them.
 *
 * <p>Exactly once: the next position of each key group is operator state (union, so a rescaled
 * subtask finds those of the key groups it is given), taken in the same thread that trains, so a
 * checkpoint holds the sources' state and the positions after the same records.
 */
final class OwnInputReader {

    /** What the trainer does with what is read. */
    interface Trainer {
        /** Trains the source's example; {@code timestamp} is {@link RecordSequence#NO_TIMESTAMP} for none. */
        void train(Example example, long timestamp) throws Exception;

        void deadLetter(DeadLetter deadLetter);

        void watermark(long watermark) throws Exception;

        /** How many sources the trainer took into its cache since it opened ({@link SourceCache#sourcesLoaded}). */
        long sourcesLoaded();

        /** Every record of the subtask's sources has been read (after the last watermark). */
        void ended() throws Exception;
    }

    /**
     * The most and the fewest records read per mail. Between two mails the task takes one record
     * (or barrier) of its network input, so a batch is kept to half the records read between two
     * global models coming in, measured ({@link #feedbackArrived}): longer, the models would queue
     * up and the sources train on stale ones; shorter than needed, the mails cost more than they do.
     */
    static final int MAX_BATCH = 256;
    static final int MIN_BATCH = 16;
    /** How often the watermark moves on, as Flink's periodic watermarks do (pipeline.auto-watermark-interval). */
    static final long WATERMARK_INTERVAL_MILLIS = 200;
    /**
     * How many rounds' worth of its updates a trainer has in flight, sent and not yet folded into a
     * global model it received, before it waits for one.
     */
    static final int ROUNDS_AHEAD = 2;
    /**
     * How long a trainer that read that far waits for the next global model before reading on: at
     * first {@link #MAX_WAIT_MILLIS} (a cold loop's round trip is ~100 ms), then twice what the last
     * wait that ended with a model took, halved after each wait that did not, never below {@link
     * #MIN_WAIT_MILLIS}.
     */
    static final long MAX_WAIT_MILLIS = 200;
    static final long MIN_WAIT_MILLIS = 5;
    /** The most a paced reading may run ahead after waiting, in seconds of its rate. */
    private static final double BURST_SECONDS = 0.05;

    private final TrainerInput input;
    private final IngestLedger ledger;
    private int subtasks;

    private ListState<long[]> positionState;
    private Iterable<long[]> restoredPositions;
    private KeyGroupCursor cursor;
    private Trainer trainer;
    private MailboxExecutor mailbox;
    private ProcessingTimeService time;
    private AvailabilityProvider[] outputs;
    /** Whether a batch is waiting in the mailbox (or for a timer, or for an output): one at a time. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private Consumer<DeadLetter> deadLetters;
    private double ratePerSecond;
    private double credit;
    private long creditAt;
    private long newestTimestamp = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;
    private long watermarkAt;
    /** Records read since the last global model came in, and their running mean between two. */
    private long readSinceFeedback;
    private double readBetweenFeedback = 2 * MAX_BATCH;
    /**
     * Updates this subtask sent because a source had its {@code rounds.localExamples} (those an
     * event-time boundary sends are paced by the watermark, which only reading moves on), less its
     * share of those the global models it received folded in; and its share of a round's updates.
     */
    private double updatesInFlight;
    private double updatesPerRound;
    /** Waiting for a global model (or {@link #waitMillis}), the generation of that wait; and waited out. */
    private boolean waitingForFeedback;
    private double waitMillis = MAX_WAIT_MILLIS;
    private long waitStartedAt;
    private long waitGeneration;
    private boolean overdue;
    private boolean ended;

    OwnInputReader(TrainerInput input) {
        this.input = input;
        this.ledger = new IngestLedger(input.model(), input.countsDir());
    }

    void initializeState(OperatorStateStore store) throws Exception {
        positionState = store.getUnionListState(StateDescriptors.trainerInputPositions());
        restoredPositions = positionState.get();
        ledger.initializeState(store);
    }

    /**
     * Starts reading the key groups {@code keyGroups} of {@code maxParallelism}, one batch per mail
     * of {@code mailbox}, from the positions restored.
     *
     * @param subtasks the trainer's parallelism, which shares the input's rate
     */
    void open(MetricGroup metrics, KeyGroupRange keyGroups, int maxParallelism, int subtasks, MailboxExecutor mailbox,
            ProcessingTimeService time, AvailabilityProvider[] outputs, Trainer trainer) throws Exception {
        ledger.open(metrics);
        RecordSequence<RawRecord> sequence = input.sequence();
        sequence.open(metrics);
        cursor = new KeyGroupCursor(sequence, maxParallelism, keyGroups.getStartKeyGroup(),
                keyGroups.getEndKeyGroup(), restoredPositions);
        restoredPositions = null;
        this.trainer = trainer;
        this.mailbox = mailbox;
        this.time = time;
        this.outputs = outputs.clone();
        this.deadLetters = trainer::deadLetter;
        this.ratePerSecond = input.ratePerSecond() / subtasks;
        this.subtasks = subtasks;
        this.updatesPerRound = (double) input.updatesPerRound() / subtasks;
        this.creditAt = time.getCurrentProcessingTime();
        schedule();
    }

    private void schedule() {
        if (!scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            mailbox.execute(this::readBatch, "read the trainer's own input");
        } catch (RejectedExecutionException e) {
            // the task is closing: what was not read is read again from the last checkpoint
        }
    }

    /** An output that takes no record now, or null. */
    private AvailabilityProvider blockedOutput() {
        for (AvailabilityProvider output : outputs) {
            if (!output.isAvailable()) {
                return output;
            }
        }
        return null;
    }

    private void readBatch() throws Exception {
        scheduled.set(false);
        if (ended) {
            return;
        }
        int records = (int) Math.max(MIN_BATCH, Math.min(MAX_BATCH, readBetweenFeedback / 2));
        long now = time.getCurrentProcessingTime();
        if (overdue) {
            overdue = false;
        } else if (updatesPerRound > 0 && updatesInFlight >= ROUNDS_AHEAD * updatesPerRound) {
            waitingForFeedback = true;
            scheduled.set(true);
            long generation = ++waitGeneration;
            waitStartedAt = now;
            time.registerTimer(now + (long) waitMillis, t -> {
                if (waitingForFeedback && generation == waitGeneration) {
                    waitingForFeedback = false;
                    waitMillis = Math.max(MIN_WAIT_MILLIS, waitMillis / 2);
                    // the loop needs more of this subtask's updates than counted (a source hashed here
                    // sends more than its share of a round, or rounds are larger than the last one)
                    updatesInFlight = Math.max(0, updatesInFlight - updatesPerRound);
                    overdue = true;
                    readBatch();
                }
            });
            return;
        }
        if (ratePerSecond > 0) {
            credit = Math.min(credit + (now - creditAt) * ratePerSecond / 1000.0,
                    Math.max(1, ratePerSecond * BURST_SECONDS));
            creditAt = now;
            if (credit < 1) {
                long wait = (long) Math.ceil((1 - credit) * 1000.0 / ratePerSecond);
                scheduled.set(true);
                time.registerTimer(now + Math.max(1, wait), t -> readBatch());
                return;
            }
            records = (int) Math.min(records, credit);
            credit -= records;
        }
        RecordSequence<RawRecord> sequence = input.sequence();
        long delay = input.watermarkDelayMillis();
        for (int i = 0; i < records; i++) {
            AvailabilityProvider blocked = blockedOutput();
            if (blocked != null) {
                if (ratePerSecond > 0) {
                    credit += records - i;
                }
                scheduled.set(true);
                blocked.getAvailableFuture().thenRun(() -> {
                    scheduled.set(false);
                    schedule();
                });
                break;
            }
            long position = cursor.next();
            if (position < 0) {
                break;
            }
            readSinceFeedback++;
            RawRecord raw = sequence.read(position);
            Example example = ledger.accept(raw, deadLetters);
            if (example == null) {
                continue;
            }
            long timestamp = sequence.timestamp(raw);
            if (timestamp != RecordSequence.NO_TIMESTAMP && timestamp > newestTimestamp) {
                newestTimestamp = timestamp;
            }
            trainer.train(example, timestamp);
        }
        // as Flink's bounded-out-of-orderness watermarks: the newest event time less the delay, less 1 ms
        if (now - watermarkAt >= WATERMARK_INTERVAL_MILLIS && newestTimestamp != Long.MIN_VALUE
                && newestTimestamp - delay - 1 > watermark) {
            watermark = newestTimestamp - delay - 1;
            watermarkAt = now;
            trainer.watermark(watermark);
        }
        if (cursor.ended()) {
            ended = true;
            trainer.watermark(Long.MAX_VALUE);
            trainer.ended();
            return;
        }
        schedule();
    }

    /** The trainer sent an update because a source had its {@code rounds.localExamples}. */
    void updateSent() {
        updatesInFlight++;
    }

    /**
     * A global model came in on the network input: sizes the batches to the loop's pace, counts the
     * updates it folded in as this subtask's share, and ends a wait for it.
     */
    void feedbackArrived(GlobalModel model) {
        readBetweenFeedback = 0.8 * readBetweenFeedback + 0.2 * readSinceFeedback;
        readSinceFeedback = 0;
        if (updatesPerRound > 0 && model.shard() == 0 && model.roundUpdates() > 0) {
            // this subtask's share of the round: its sources among those the model holds (an even
            // share until it has some), as sources hash unevenly onto subtasks
            double share = model.roundUpdates() * (model.sourcesInModel() > 0
                    ? Math.min(1.0, (double) trainer.sourcesLoaded() / model.sourcesInModel())
                    : 1.0 / subtasks);
            updatesPerRound = 0.5 * updatesPerRound + 0.5 * share;
            updatesInFlight = Math.max(0, updatesInFlight - share);
        }
        if (waitingForFeedback) {
            waitingForFeedback = false;
            long waited = time.getCurrentProcessingTime() - waitStartedAt;
            waitMillis = Math.max(MIN_WAIT_MILLIS, Math.min(MAX_WAIT_MILLIS, 2.0 * waited));
            scheduled.set(false);
            schedule();
        }
    }

    void snapshotState() throws Exception {
        positionState.update(cursor.positions());
        ledger.snapshotState();
    }

    /** At the end of the input, the ingest counts of {@code subtask}. */
    void writeCounts(int subtask) throws Exception {
        ledger.writeCounts(subtask);
    }

    void close() throws Exception {
        if (cursor != null) {
            input.sequence().close();
        }
    }
}
