package org.fedflink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link ShardPieces}: one version from its shards' pieces. */
class ShardPiecesTest {

    @Test
    void add_piecesInShardOrder_giveTheWholeModelAndTheVersionsFigures() {
        ShardPieces whole = new ShardPieces(5);

        assertThat(whole.add(new float[] {1, 2}, 7, 300, 4, 10, 1_000)).isTrue();
        // the second shard lags: fewer examples folded; its figures are the version's
        assertThat(whole.add(new float[] {3, 4, 5}, 6, 280, 5, 9, 2_000)).isTrue();

        assertThat(whole.params()).containsExactly(1, 2, 3, 4, 5);
        assertThat(whole.version()).isEqualTo(7);
        assertThat(whole.samples()).isEqualTo(280);
        assertThat(whole.sources()).isEqualTo(5);
        assertThat(whole.rounds()).isEqualTo(10);
        assertThat(whole.createdMillis()).isEqualTo(2_000);
    }

    @Test
    void add_aShardWithMoreExamples_isNotTheFewest() {
        ShardPieces whole = new ShardPieces(2);
        whole.add(new float[] {1}, 3, 100, 1, 1, 1);

        assertThat(whole.add(new float[] {2}, 3, 120, 1, 1, 1)).isFalse();
        assertThat(whole.samples()).isEqualTo(100);
    }

    @Test
    void piecesThatDoNotFillTheModel_areRefused() {
        ShardPieces tooMany = new ShardPieces(2);
        tooMany.add(new float[] {1, 2}, 1, 1, 1, 1, 1);
        assertThatThrownBy(() -> tooMany.add(new float[] {3}, 1, 1, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more parameters");

        ShardPieces tooFew = new ShardPieces(3);
        tooFew.add(new float[] {1}, 1, 1, 1, 1, 1);
        assertThatThrownBy(tooFew::params).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the shards hold 1 parameters, the model 3");
    }
}
