package org.fedflink.pipeline;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;
import org.fedflink.eval.OutcomeLog;
import org.fedflink.federation.SourceModel;

/**
 * The trainer's keyed {@link SourceModel}, its arrays in bulk. With many sources most examples
 * read and write a source's state in RocksDB, and the POJO serializer spent that time in
 * reflection and single-float writes. A leading format byte leaves room for later layouts.
 */
public final class SourceStateSerializer extends BulkSerializer<SourceModel> {
    private static final long serialVersionUID = 1L;
    /**
     * 3: with the drift reaction (schedule start, federation drifts followed, detector state); 2
     * (read too): without it; 1 (read too): without the outcomes since the last report either.
     */
    private static final int FORMAT = 3;
    private static final int FORMAT_WITHOUT_DRIFT = 2;
    private static final int FORMAT_WITHOUT_OUTCOMES = 1;

    @Override
    public TypeSerializer<SourceModel> duplicate() {
        return new SourceStateSerializer();
    }

    /** Not immutable, unlike the records: the trainer updates a state object in place. */
    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public SourceModel createInstance() {
        return new SourceModel();
    }

    /** A deep copy through the serialized form (the heap backend copies on snapshot). */
    @Override
    public SourceModel copy(SourceModel from) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(256);
            serialize(from, out);
            return deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy a source state", e);
        }
    }

    @Override
    public SourceModel copy(SourceModel from, SourceModel reuse) {
        return copy(from);
    }

    /**
     * Writes a source's state. A source with nothing unreported has {@code params == anchor} (a
     * report copies one onto the other, a rebase keeps their difference at zero), so its anchor
     * is not written: the state of an idle source is one model, not two. A sparse source's live
     * maps are written as sorted index and value arrays.
     */
    @Override
    public void serialize(SourceModel s, DataOutputView out) throws IOException {
        out.writeByte(FORMAT);
        writeFloats(s.params, out);
        writeFloats(s.samples == 0 ? null : s.anchor, out);
        writeFloats(s.optimizerState, out);
        if (s.baseVersions == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(s.baseVersions.length);
            for (long v : s.baseVersions) {
                out.writeLong(v);
            }
        }
        out.writeLong(s.steps);
        out.writeLong(s.samples);
        out.writeDouble(s.lossSum);
        out.writeLong(s.correct);
        writeFloats(s.control, out);
        out.writeDouble(s.rateSum);
        out.writeLong(s.timerAt);
        if (s.offset != null) {
            int[] indices = s.offset.sortedKeys();
            writeInts(indices, out);
            writeFloats(s.offset.valuesOf(indices), out);
            writeFloats(s.samples == 0 ? null : s.anchorOffset.valuesOf(indices), out);
            int[] stateIndices = s.sparseState.isEmpty() ? null : s.sparseState.sortedKeys();
            writeInts(stateIndices, out);
            writeFloats(stateIndices == null ? null : s.sparseState.valuesOf(stateIndices), out);
        } else {
            writeInts(s.offsetIndices, out);
            writeFloats(s.offsetValues, out);
            writeFloats(s.samples == 0 ? null : s.anchorValues, out);
            writeInts(s.stateIndices, out);
            writeFloats(s.stateValues, out);
        }
        boolean outcomes = s.outcomes != null && s.outcomes.size() > 0;
        writeFloats(outcomes ? s.outcomes.losses() : null, out);
        writeLongs(outcomes ? s.outcomes.correctBits() : null, out);
        // the live reaction when the trainer holds one, else what was read
        out.writeLong(s.drift != null ? s.drift.scheduleStart() : s.scheduleStart);
        out.writeLong(s.drift != null ? s.drift.federationDrifts() : s.globalDriftsSeen);
        writeDoubles(s.drift != null ? s.drift.detectorState() : s.driftDetector, out);
    }

    @Override
    public SourceModel deserialize(DataInputView in) throws IOException {
        int format = in.readByte();
        if (format < FORMAT_WITHOUT_OUTCOMES || format > FORMAT) {
            throw new IOException("unknown source state format " + format + " (this version reads "
                    + FORMAT_WITHOUT_OUTCOMES + " to " + FORMAT + ")");
        }
        SourceModel s = new SourceModel();
        s.params = readFloats(in);
        s.anchor = readFloats(in);
        s.optimizerState = readFloats(in);
        int shards = in.readInt();
        if (shards < -1) {
            throw new IOException("corrupt source state: " + shards + " shards");
        }
        if (shards >= 0) {
            s.baseVersions = new long[shards];
            for (int i = 0; i < shards; i++) {
                s.baseVersions[i] = in.readLong();
            }
        }
        s.steps = in.readLong();
        s.samples = in.readLong();
        s.lossSum = in.readDouble();
        s.correct = in.readLong();
        s.control = readFloats(in);
        s.rateSum = in.readDouble();
        s.timerAt = in.readLong();
        s.offsetIndices = readInts(in);
        s.offsetValues = readFloats(in);
        s.anchorValues = readFloats(in);
        s.stateIndices = readInts(in);
        s.stateValues = readFloats(in);
        if (format >= FORMAT_WITHOUT_DRIFT) {
            float[] losses = readFloats(in);
            long[] correct = readLongs(in);
            s.outcomes = losses == null ? null : OutcomeLog.of(losses, correct);
        }
        if (format >= FORMAT) {
            s.scheduleStart = in.readLong();
            s.globalDriftsSeen = in.readLong();
            s.driftDetector = readDoubles(in);
        }
        return s;
    }

    @Override
    public TypeSerializerSnapshot<SourceModel> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores this serializer (there is nothing to configure). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<SourceModel> {
        public Snapshot() {
            super(SourceStateSerializer::new);
        }
    }
}
