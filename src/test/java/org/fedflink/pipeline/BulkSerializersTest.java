package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.fedflink.data.ByteValues;
import org.fedflink.data.Example;
import org.fedflink.federation.SourceModel;
import org.junit.jupiter.api.Test;

class BulkSerializersTest {

    private static <T> T roundTrip(TypeSerializer<T> serializer, T record) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(record, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T back = serializer.deserialize(in);
        assertThat(in.available()).as("bytes left after the record").isZero();
        return back;
    }

    private static float[] floats(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    @Test
    void examples_denseSparseAndLongSourceNames_roundTripExactly() throws IOException {
        ExampleSerializer serializer = new ExampleSerializer();
        Random random = new Random(7);
        Example dense = new Example("source-ü-17", 1_700_000_000_123L, 3, null, floats(random, 784));
        Example sparse = new Example("s".repeat(70_000), -5, 0.25, new int[] {0, 17, 1 << 19, (1 << 20) - 1},
                new float[] {1f, -0f, Float.MIN_VALUE, Float.MAX_VALUE});
        Example empty = new Example("", 0, 1, new int[0], new float[0]);
        for (Example e : new Example[] {dense, sparse, empty, dense}) {
            Example back = roundTrip(serializer, e);
            assertThat(back.source()).isEqualTo(e.source());
            assertThat(back.timestamp()).isEqualTo(e.timestamp());
            assertThat(back.label()).isEqualTo(e.label());
            assertThat(back.indices()).isEqualTo(e.indices());
            assertThat(back.values()).isEqualTo(e.values());
        }
    }

    @Test
    void examples_heldAsBytes_roundTripAsBytes_withTheirScale_besideFloatExamples() throws IOException {
        ExampleSerializer serializer = new ExampleSerializer();
        byte[] codes = new byte[784];
        new Random(3).nextBytes(codes);
        Example image = Example.ofBytes("img", 42, 7, new ByteValues(codes, ByteValues.Scale.divideBy(255)));
        Example raw = Example.ofBytes("img", 43, 1, new ByteValues(codes, ByteValues.Scale.divideBy(1)));
        Example floats = new Example("f", 1, 2, null, new float[] {0.5f, 1.5f});
        for (Example e : new Example[] {image, floats, raw, image}) {
            Example back = roundTrip(serializer, e);
            assertThat(back.source()).isEqualTo(e.source());
            assertThat(back.timestamp()).isEqualTo(e.timestamp());
            assertThat(back.label()).isEqualTo(e.label());
            assertThat(back.values()).isEqualTo(e.values());
            assertThat(back.bytes() == null).isEqualTo(e.bytes() == null);
            if (e.bytes() != null) {
                assertThat(back.bytes().codes()).isEqualTo(codes);
                assertThat(back.bytes().scale()).isEqualTo(e.bytes().scale());
            }
        }
        // a quarter of the floats' bytes on the wire
        DataOutputSerializer out = new DataOutputSerializer(4096);
        serializer.serialize(image, out);
        int asBytes = out.length();
        out.clear();
        serializer.serialize(new Example("img", 42, 7, null, image.values()), out);
        assertThat(asBytes).isLessThan(out.length() / 3);
    }

    @Test
    void localUpdates_denseSparseAndWithControlDelta_roundTripExactly() throws IOException {
        LocalUpdateSerializer serializer = new LocalUpdateSerializer();
        Random random = new Random(11);
        LocalUpdate plain = new LocalUpdate(2, "device-9", 41, 20, 7.5, 13, floats(random, 7850), false, 1);
        LocalUpdate scaffold = new LocalUpdate(0, "device-9", 42, 20, 1.5, 19, floats(random, 100), false, 0,
                floats(random, 100));
        LocalUpdate sparse = new LocalUpdate(1, "device-9", 43, 20, 2.5, 17, new float[] {0.25f, -1.5f}, false, 0,
                null, new int[] {3, 70_000});
        LocalUpdate marker = LocalUpdate.endMarker(1, 3);
        org.fedflink.eval.OutcomeLog log = new org.fedflink.eval.OutcomeLog();
        for (int i = 0; i < 20; i++) {
            log.add(i * 0.25f, i % 3 != 0);
        }
        LocalUpdate withOutcomes = plain.withOutcomes(log);
        for (LocalUpdate u : new LocalUpdate[] {plain, scaffold, sparse, marker, withOutcomes}) {
            LocalUpdate back = roundTrip(serializer, u);
            assertThat(back).usingRecursiveComparison().isEqualTo(u);
        }
        assertThat(roundTrip(serializer, plain).controlDelta()).isNull();
        assertThat(roundTrip(serializer, plain).deltaIndices()).isNull();
        assertThat(roundTrip(serializer, sparse).deltaIndices()).containsExactly(3, 70_000);
        assertThat(roundTrip(serializer, withOutcomes).exampleLosses()).containsExactly(log.losses());
        assertThat(roundTrip(serializer, withOutcomes).exampleCorrect()).containsExactly(log.correctBits());
    }

    @Test
    void rawRecords_ofEveryKind_roundTripExactly_andAreHandedOnUncopied() throws IOException {
        RawRecordSerializer serializer = new RawRecordSerializer();
        RawRecord text = RawRecord.text("train.jsonl", 17, "{\"label\": 1}");
        RawRecord example = RawRecord.of("generator", 3, new Example("s", 5, 1, new int[] {2}, new float[] {0.5f}));
        RawRecord invalid = RawRecord.invalid("t.csv", 9, "a,b", "bad number 'b'");
        RawRecord empty = new RawRecord(null, 0, null, null, null);
        for (RawRecord r : new RawRecord[] {text, example, invalid, empty}) {
            assertThat(roundTrip(serializer, r)).usingRecursiveComparison().isEqualTo(r);
        }
        assertThat(serializer.copy(example)).isSameAs(example);
        assertThat(RecordTypeInfo.rawRecords().createSerializer(new SerializerConfigImpl()))
                .isInstanceOf(RawRecordSerializer.class);
    }

    @Test
    void sourceStates_denseAndSparse_roundTrip_withoutTheAnchorOfAnIdleSource() throws IOException {
        SourceStateSerializer serializer = new SourceStateSerializer();
        SourceModel dense = new SourceModel();
        dense.params = new float[] {1, 2, 3};
        dense.anchor = new float[] {1, 2, 2.5f};
        dense.optimizerState = new float[3];
        dense.baseVersions = new long[] {7, 9};
        dense.steps = 12;
        dense.samples = 2;
        dense.lossSum = 1.25;
        dense.correct = 1;
        dense.timerAt = 99;
        SourceModel back = roundTrip(serializer, dense);
        assertThat(back).usingRecursiveComparison().isEqualTo(dense);

        dense.outcomes = new org.fedflink.eval.OutcomeLog();
        dense.outcomes.add(0.5f, true);
        dense.outcomes.add(0.75f, false);
        SourceModel withOutcomes = roundTrip(serializer, dense);
        assertThat(withOutcomes.outcomes.losses()).containsExactly(0.5f, 0.75f);
        assertThat(withOutcomes.outcomes.correct(0)).isTrue();
        assertThat(withOutcomes.outcomes.correct(1)).isFalse();
        dense.outcomes = null;

        dense.samples = 0;
        assertThat(roundTrip(serializer, dense).anchor).isNull();

        SourceModel sparse = new SourceModel();
        sparse.baseVersions = new long[] {3};
        sparse.samples = 1;
        sparse.offset = org.fedflink.model.IntFloatMap.of(new int[] {900_000, 5}, new float[] {0.5f, -1f});
        sparse.anchorOffset = org.fedflink.model.IntFloatMap.of(new int[] {5}, new float[] {-0.75f});
        sparse.sparseState = new org.fedflink.model.IntFloatMap();
        SourceModel read = roundTrip(serializer, sparse);
        assertThat(read.offsetIndices).containsExactly(5, 900_000);
        assertThat(read.offsetValues).containsExactly(-1f, 0.5f);
        assertThat(read.anchorValues).containsExactly(-0.75f, 0f);
        assertThat(read.stateIndices).isNull();
        assertThat(serializer.copy(dense)).isNotSameAs(dense).usingRecursiveComparison().isEqualTo(roundTrip(serializer, dense));
    }

    @Test
    void globalModels_withAndWithoutControl_roundTripExactly() throws IOException {
        GlobalModelSerializer serializer = new GlobalModelSerializer();
        Random random = new Random(12);
        GlobalModel plain = new GlobalModel(1, 2, 17, floats(random, 1 << 16), 9_000, 40, 17, 1_700_000_000_000L, 10,
                9, 2_000, 0.5, 0.31, 0.9, 0.29, 0.91, false, 2, 1, 3, Double.POSITIVE_INFINITY, 1e-5, null, 0);
        GlobalModel scaffold = new GlobalModel(0, 1, 3, floats(random, 10), 50, 5, 3, 1L, 5, 5, 50, 0, Double.NaN,
                Double.NaN, 0.7, 0.6, true, 0, 0, 0, Double.NaN, Double.NaN, floats(random, 10), 0);
        GlobalModel changes = new GlobalModel(0, 1, 18, floats(random, 3), 9_100, 41, 18, 2L, 10, 9, 100, 0.5, 0.3,
                0.9, 0.29, 0.91, false, 2, 1, 3, Double.NaN, Double.NaN, null, 1, 17, new int[] {5, 900, 3});
        for (GlobalModel m : new GlobalModel[] {plain, scaffold, changes}) {
            // NaN fields are equal when they are both NaN
            assertThat(roundTrip(serializer, m)).usingRecursiveComparison()
                    .withEqualsForType((a, b) -> Double.compare(a, b) == 0, Double.class).isEqualTo(m);
        }
        assertThat(RecordTypeInfo.globalModels().createSerializer(new SerializerConfigImpl()))
                .isInstanceOf(GlobalModelSerializer.class);
    }

    private static byte[] bytes(TypeSerializer<?> serializer, Object record) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        @SuppressWarnings("unchecked")
        TypeSerializer<Object> s = (TypeSerializer<Object>) serializer;
        s.serialize(record, out);
        return out.getCopyOfBuffer();
    }

    private static <T> T read(TypeSerializer<T> serializer, byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        T back = serializer.deserialize(in);
        assertThat(in.available()).as("bytes left after the record").isZero();
        return back;
    }

    /**
     * Format 3 writes the live drift reaction after the format-2 fields; format 2 (format 3 without
     * that tail) and format 1 (format 2 without the outcomes) are read with none: schedule start and
     * federation drifts 0, no detector (the trainer then starts a fresh one).
     */
    @Test
    void sourceStates_format3CarriesTheDriftReaction_formats1And2AreReadWithout() throws IOException {
        SourceStateSerializer serializer = new SourceStateSerializer();
        SourceModel s = new SourceModel();
        s.params = new float[] {1, 2, 3};
        s.anchor = new float[] {1, 2, 2.5f};
        s.optimizerState = new float[] {0.5f, 0.25f, 0};
        s.baseVersions = new long[] {7};
        s.steps = 120;
        s.samples = 2;
        s.drift = org.fedflink.drift.DriftReaction.of(new org.fedflink.drift.DriftSettings(
                org.fedflink.drift.DriftSettings.adwin(0.002), true, true), true, 0, 0, null);
        for (int i = 0; i < 100; i++) {
            s.drift.observe(i + 1, 0.1, i % 5 != 0);
        }
        s.drift.followFederation(100, 2);
        double[] detector = s.drift.detectorState();

        byte[] format3 = bytes(serializer, s);
        assertThat(format3[0]).isEqualTo((byte) 3);
        SourceModel back = read(serializer, format3);
        assertThat(back.scheduleStart).isEqualTo(100);
        assertThat(back.globalDriftsSeen).isEqualTo(2);
        assertThat(back.driftDetector).isEqualTo(detector);
        assertThat(back.drift).isNull();
        assertThat(back.steps).isEqualTo(120);
        // a state read back (no live reaction) is written from its fields
        assertThat(bytes(serializer, back)).isEqualTo(format3);

        // format 2: the same bytes without the drift tail (two longs, the detector's length and doubles)
        int tail = 8 + 8 + 4 + 8 * detector.length;
        byte[] format2 = java.util.Arrays.copyOf(format3, format3.length - tail);
        format2[0] = 2;
        SourceModel old = read(serializer, format2);
        assertThat(old.scheduleStart).isZero();
        assertThat(old.globalDriftsSeen).isZero();
        assertThat(old.driftDetector).isNull();
        assertThat(old).usingRecursiveComparison().ignoringFields("scheduleStart", "globalDriftsSeen", "driftDetector")
                .isEqualTo(back);

        // format 1: format 2 without the outcomes (two absent arrays, a length of -1 each)
        byte[] format1 = java.util.Arrays.copyOf(format2, format2.length - 8);
        format1[0] = 1;
        assertThat(read(serializer, format1)).usingRecursiveComparison().isEqualTo(old);

        byte[] unknown = format3.clone();
        unknown[0] = 4;
        assertThatThrownBy(() -> read(serializer, unknown)).isInstanceOf(IOException.class)
                .hasMessage("unknown source state format 4 (this version reads 1 to 3)");
    }

    /**
     * Format 3 opens with -3 and ends with the changed coordinates (-1 and an absent array for a
     * whole piece); format 2 (format 3 without them) is read as a whole piece; format 2 ends with
     * the count of global drifts; format 1 (the trainers' operator state in older savepoints)
     * opens with the shard and is read with a count of 0.
     */
    @Test
    void globalModels_format3CarriesTheChanges_format2And1AreReadWithout() throws IOException {
        GlobalModelSerializer serializer = new GlobalModelSerializer();
        GlobalModel m = new GlobalModel(1, 2, 17, new float[] {0.5f, -1f}, 9_000, 40, 17, 1_700_000_000_000L, 10,
                9, 2_000, 0.5, 0.31, 0.9, 0.29, 0.91, false, 2, 1, 3, 1.5, 1e-5, null, 3);

        byte[] format3 = bytes(serializer, m);
        assertThat(java.nio.ByteBuffer.wrap(format3).getInt()).isEqualTo(-3);
        assertThat(read(serializer, format3)).usingRecursiveComparison().isEqualTo(m);
        // format 2: format 3 without the changes (a long and an absent array's length)
        byte[] format2 = java.util.Arrays.copyOf(format3, format3.length - 12);
        format2[3] = -2;
        assertThat(read(serializer, format2)).usingRecursiveComparison().isEqualTo(m);

        byte[] format1 = java.util.Arrays.copyOfRange(format2, 4, format2.length - 8);
        GlobalModel old = read(serializer, format1);
        assertThat(old).usingRecursiveComparison().isEqualTo(m.withGlobalDrifts(0));

        byte[] unknown = format3.clone();
        unknown[3] = -4; // -4 big-endian: 0xFFFFFFFC
        assertThatThrownBy(() -> read(serializer, unknown)).isInstanceOf(IOException.class)
                .hasMessage("Unknown version of a global model: 4 (this build reads 1 to 3)");
    }

    @Test
    void copyBetweenViews_equalsSerializingTheDeserializedRecord() throws IOException {
        ExampleSerializer serializer = new ExampleSerializer();
        Example e = new Example("a", 1, 2, new int[] {3, 9}, new float[] {0.5f, 1.5f});
        DataOutputSerializer first = new DataOutputSerializer(16);
        serializer.serialize(e, first);
        DataOutputSerializer copied = new DataOutputSerializer(16);
        serializer.copy(new DataInputDeserializer(first.getCopyOfBuffer()), copied);
        assertThat(copied.getCopyOfBuffer()).isEqualTo(first.getCopyOfBuffer());
    }

    @Test
    void snapshot_restoresAnEqualSerializer() throws IOException {
        for (TypeSerializer<?> serializer : new TypeSerializer<?>[] {
                new ExampleSerializer(), new LocalUpdateSerializer(), new GlobalModelSerializer(),
                new RawRecordSerializer(), new SourceStateSerializer()}) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            TypeSerializerSnapshot.writeVersionedSnapshot(out, serializer.snapshotConfiguration());
            TypeSerializerSnapshot<?> read = TypeSerializerSnapshot.readVersionedSnapshot(
                    new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
            assertThat(read.restoreSerializer()).isEqualTo(serializer).isNotSameAs(serializer);
            assertThat(serializer.duplicate()).isEqualTo(serializer).isNotSameAs(serializer);
        }
    }

    @Test
    void typeInformation_createsTheBulkSerializers() {
        assertThat(RecordTypeInfo.examples().createSerializer(new SerializerConfigImpl()))
                .isInstanceOf(ExampleSerializer.class);
        assertThat(RecordTypeInfo.localUpdates().createSerializer(new SerializerConfigImpl()))
                .isInstanceOf(LocalUpdateSerializer.class);
        assertThat(RecordTypeInfo.examples()).isEqualTo(RecordTypeInfo.examples())
                .isNotEqualTo(RecordTypeInfo.localUpdates());
    }

    @Test
    void corruptArrayLength_isAnIoErrorNotAHugeAllocation() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(32);
        out.writeInt(0);
        out.writeLong(1);
        out.writeDouble(0);
        out.writeInt(-7);
        DataOutputSerializer withSource = new DataOutputSerializer(32);
        org.apache.flink.types.StringValue.writeString("s", withSource);
        withSource.write(out.getCopyOfBuffer(), 4, out.length() - 4);
        assertThatThrownBy(() -> new ExampleSerializer().deserialize(
                        new DataInputDeserializer(withSource.getCopyOfBuffer())))
                .isInstanceOf(IOException.class).hasMessageContaining("array length -7");
    }
}
