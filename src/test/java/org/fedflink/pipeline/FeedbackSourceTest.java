package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.core.io.InputStatus;
import org.fedflink.testing.CollectingOutput;
import org.fedflink.testing.ReaderContexts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The in-process feedback path of global models from an aggregator subtask back to the trainers:
 * {@link FeedbackChannel} (conflating to the newest version, ending, one channel per loop and
 * subtask, fresh after release) and the reader of {@link FeedbackSource} on top of it (subtask i
 * emits what aggregator subtask i offers, in order, wakes when a model is offered, finishes after
 * the last model once the channel ends, and holds no state).
 */
class FeedbackSourceTest {

    private final String loopId = UUID.randomUUID().toString();

    @AfterEach
    void release() {
        FeedbackChannel.release(loopId, 0);
        FeedbackChannel.release(loopId, 1);
    }

    static GlobalModel model(long version, boolean last) {
        return new GlobalModel(0, 1, version, new float[] {version, -version}, 10 * version, 2, version, 0, 1, 1,
                10, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, last);
    }

    /** What a feedback reader emitted, and the versions of it. */
    static final class Collected extends CollectingOutput<GlobalModel> {
        final List<GlobalModel> models = records;

        List<Long> versions() {
            return models.stream().map(GlobalModel::version).toList();
        }
    }

    private SourceReader<GlobalModel, FeedbackSource.NoSplit> reader(int subtask) {
        SourceReader<GlobalModel, FeedbackSource.NoSplit> reader =
                new FeedbackSource(loopId).createReader(ReaderContexts.ofSubtask(subtask));
        reader.start();
        return reader;
    }

    // ---- the channel

    @Test
    void of_sameLoopAndSubtask_isOneChannel_otherSubtasksAndLoopsAreSeparate() {
        FeedbackChannel channel = FeedbackChannel.of(loopId, 0);

        assertThat(FeedbackChannel.of(loopId, 0)).isSameAs(channel);
        assertThat(FeedbackChannel.of(loopId, 1)).isNotSameAs(channel);
        String other = UUID.randomUUID().toString();
        try {
            assertThat(FeedbackChannel.of(other, 0)).isNotSameAs(channel);
        } finally {
            FeedbackChannel.release(other, 0);
        }
    }

    @Test
    void poll_modelsTakenAsTheyCome_arriveInOrder() {
        FeedbackChannel channel = FeedbackChannel.of(loopId, 0);
        List<Long> taken = new ArrayList<>();

        assertThat(channel.poll()).isNull();
        for (long v = 1; v <= 3; v++) {
            channel.offer(model(v, false));
            taken.add(channel.poll().version());
            assertThat(channel.poll()).isNull();
        }

        assertThat(taken).containsExactly(1L, 2L, 3L);
    }

    @Test
    void offer_modelsNotYetTaken_areReplacedByTheNewest() {
        FeedbackChannel channel = FeedbackChannel.of(loopId, 0);

        channel.offer(model(1, false));
        channel.offer(model(2, false));
        channel.offer(model(3, false));

        assertThat(channel.poll().version()).isEqualTo(3);
        assertThat(channel.poll()).isNull();
    }

    @Test
    void offer_olderVersionThanThePendingOne_keepsTheNewer_sameVersionReplacesIt() {
        FeedbackChannel channel = FeedbackChannel.of(loopId, 0);
        GlobalModel republished = model(5, false);

        channel.offer(model(5, false));
        channel.offer(model(4, false));
        assertThat(channel.poll().version()).isEqualTo(5);

        channel.offer(model(5, false));
        channel.offer(republished);
        assertThat(channel.poll()).isSameAs(republished);
    }

    @Test
    void available_completesWhenAModelIsOffered_andAgainAfterItWasTaken() {
        FeedbackChannel channel = FeedbackChannel.of(loopId, 0);

        assertThat(channel.available()).isNotDone();
        channel.offer(model(1, false));
        assertThat(channel.available()).isDone();
        channel.poll();
        assertThat(channel.available()).isNotDone();
        channel.offer(model(2, false));
        assertThat(channel.available()).isDone();
    }

    @Test
    void end_theLastModelIsStillTaken_thenTheChannelIsDrained_andLaterOffersAreIgnored() {
        FeedbackChannel channel = FeedbackChannel.of(loopId, 0);
        channel.offer(model(7, true));
        channel.end();

        assertThat(channel.available()).isDone();
        assertThat(channel.isEndedAndDrained()).isFalse();
        assertThat(channel.poll().version()).isEqualTo(7);
        assertThat(channel.isEndedAndDrained()).isTrue();
        channel.offer(model(8, false));
        assertThat(channel.poll()).isNull();
        assertThat(channel.isEndedAndDrained()).isTrue();
        assertThat(channel.available()).isDone();
    }

    @Test
    void ended_completesOnEnd_whetherOrNotTheModelsWereTaken() {
        FeedbackChannel channel = FeedbackChannel.of(loopId, 0);
        channel.offer(model(1, false));

        assertThat(channel.ended()).isNotDone();
        channel.end();
        assertThat(channel.ended()).isDone();
        assertThat(channel.isEndedAndDrained()).isFalse();
    }

    @Test
    void release_theNextUseGetsAFreshChannel() {
        FeedbackChannel old = FeedbackChannel.of(loopId, 0);
        old.offer(model(3, false));
        old.end();

        FeedbackChannel.release(loopId, 0);
        FeedbackChannel fresh = FeedbackChannel.of(loopId, 0);

        assertThat(fresh).isNotSameAs(old);
        assertThat(fresh.poll()).isNull();
        assertThat(fresh.ended()).isNotDone();
        assertThat(fresh.isEndedAndDrained()).isFalse();
    }

    // ---- the source's reader

    @Test
    void pollNext_emitsTheOfferedModelsInOrder_andWaitsInBetween() throws Exception {
        SourceReader<GlobalModel, FeedbackSource.NoSplit> reader = reader(0);
        FeedbackChannel channel = FeedbackChannel.of(loopId, 0);
        Collected out = new Collected();

        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        assertThat(reader.isAvailable()).isNotDone();
        for (long v = 1; v <= 3; v++) {
            channel.offer(model(v, false));
            assertThat(reader.isAvailable()).isDone();
            assertThat(reader.pollNext(out)).isEqualTo(InputStatus.MORE_AVAILABLE);
            assertThat(reader.pollNext(out)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
            assertThat(reader.isAvailable()).isNotDone();
        }

        assertThat(out.versions()).containsExactly(1L, 2L, 3L);
        assertThat(out.models.get(2).params()).containsExactly(3f, -3f);
        reader.close();
    }

    @Test
    void pollNext_channelEnded_emitsTheLastModelThenFinishes() throws Exception {
        SourceReader<GlobalModel, FeedbackSource.NoSplit> reader = reader(0);
        FeedbackChannel channel = FeedbackChannel.of(loopId, 0);
        Collected out = new Collected();

        channel.offer(model(1, false));
        channel.offer(model(2, true));
        channel.end();

        assertThat(reader.isAvailable()).isDone();
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.MORE_AVAILABLE);
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(out.versions()).containsExactly(2L);
        assertThat(out.models.get(0).last()).isTrue();
        reader.close();
    }

    @Test
    void pollNext_channelEndedWithoutAModel_finishesAtOnce() throws Exception {
        SourceReader<GlobalModel, FeedbackSource.NoSplit> reader = reader(0);
        Collected out = new Collected();

        FeedbackChannel.of(loopId, 0).end();

        assertThat(reader.isAvailable()).isDone();
        assertThat(reader.pollNext(out)).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(out.models).isEmpty();
        reader.close();
    }

    @Test
    void pollNext_eachSubtaskReadsItsOwnAggregatorsChannel() throws Exception {
        SourceReader<GlobalModel, FeedbackSource.NoSplit> first = reader(0);
        SourceReader<GlobalModel, FeedbackSource.NoSplit> second = reader(1);
        Collected firstOut = new Collected();
        Collected secondOut = new Collected();

        FeedbackChannel.of(loopId, 1).offer(model(4, false));
        FeedbackChannel.of(loopId, 1).end();

        assertThat(first.pollNext(firstOut)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        assertThat(first.isAvailable()).isNotDone();
        assertThat(second.pollNext(secondOut)).isEqualTo(InputStatus.MORE_AVAILABLE);
        assertThat(second.pollNext(secondOut)).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(firstOut.models).isEmpty();
        assertThat(secondOut.versions()).containsExactly(4L);
        first.close();
        second.close();
    }

    @Test
    void snapshotState_holdsNothing_modelsAreNotPartOfTheSourcesState() throws Exception {
        SourceReader<GlobalModel, FeedbackSource.NoSplit> reader = reader(0);
        FeedbackChannel.of(loopId, 0).offer(model(1, false));

        assertThat(reader.snapshotState(1)).isEmpty();
        reader.close();
    }

    @Test
    void close_releasesTheChannel_aNewAttemptStartsWithAFreshOne() throws Exception {
        SourceReader<GlobalModel, FeedbackSource.NoSplit> reader = reader(0);
        FeedbackChannel old = FeedbackChannel.of(loopId, 0);
        old.offer(model(9, false));
        old.end();

        reader.close();
        SourceReader<GlobalModel, FeedbackSource.NoSplit> next = reader(0);
        Collected out = new Collected();

        assertThat(FeedbackChannel.of(loopId, 0)).isNotSameAs(old);
        assertThat(next.pollNext(out)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        assertThat(out.models).isEmpty();
        next.close();
    }
}
