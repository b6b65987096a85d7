package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link VersionAssembly}: versions come out whole, once every shard's piece is in. */
class VersionAssemblyTest {

    private static GlobalModel piece(int shard, long version, boolean last) {
        return new GlobalModel(shard, 2, version, new float[] {shard + version}, 100 * version - shard, 3 + shard,
                version, 1_000 * version, 2, 2, 100, 0.5, 0.4, 0.8, 0.4, 0.8, last, shard, 0, 4 - shard, Double.NaN,
                Double.NaN, null, 0);
    }

    @Test
    void add_piecesOfSeveralVersionsInterleaved_eachVersionWholeWhenItsLastPieceArrives() {
        VersionAssembly assembly = new VersionAssembly(2);

        GlobalModel pending = piece(1, 2, false);
        assertThat(assembly.add(piece(1, 1, false))).isNull();
        assertThat(assembly.add(pending)).isNull();
        AssembledVersion first = assembly.add(piece(0, 1, false));

        assertThat(first.version()).isEqualTo(1);
        assertThat(first.params()).containsExactly(1, 2);
        assertThat(first.first().shard()).isZero();
        // the fewest examples of any shard, the largest counts
        assertThat(first.samples()).isEqualTo(99);
        assertThat(first.roundsSkipped()).isEqualTo(1);
        assertThat(first.updatesTooStale()).isEqualTo(4);
        assertThat(assembly.pieces()).containsExactly(pending);
    }

    @Test
    void restore_heldPiecesComeBackWithoutCompleting_andTheFinalVersionStaysHeld() {
        VersionAssembly assembly = new VersionAssembly(2);
        GlobalModel shard0 = piece(0, 5, true);
        GlobalModel shard1 = piece(1, 5, true);
        assembly.restore(shard0);
        assembly.restore(shard1);
        assertThat(assembly.pieces()).containsExactly(shard0, shard1);

        AssembledVersion last = assembly.add(shard1);

        assertThat(last.last()).isTrue();
        assertThat(assembly.pieces()).containsExactly(shard0, shard1);
    }
}
