package org.fedflink.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebianIndexTest {

    @TempDir
    Path tmp;

    static Path excerpt() throws Exception {
        return Path.of(DebianIndexTest.class.getResource("dumpavail-excerpt.txt").toURI());
    }

    @Test
    void read_excerpt_keepsTheIndexOrderAndCountsWhatItSkipped() throws Exception {
        DebianIndex.Index index = DebianIndex.read(excerpt());

        assertThat(index.packages()).extracting(DebianIndex.Package::name).containsExactly(
                "0ad", "0ad-data", "libfoo1", "libfoo-dev", "python3-bar", "gnome-game", "orphan-tool", "nosection",
                "crlf-game");
        assertThat(index.oddRecords()).isEqualTo(1); // the record without a Package field
        assertThat(index.oddLines()).isEqualTo(1); // the line without a colon
        assertThat(index.repeated()).isEqualTo(1); // libfoo1 listed again keeps its first record
    }

    @Test
    void read_multiLineTag_joinsItsContinuationLines() throws Exception {
        DebianIndex.Package game = DebianIndex.read(excerpt()).packages().get(0);

        assertThat(game.maintainer()).isEqualTo("Debian Games Team <pkg-games-devel@lists.alioth.debian.org>");
        assertThat(game.description()).isEqualTo("Real-time strategy game of ancient warfare");
        assertThat(game.section()).isEqualTo("games");
        assertThat(game.tags()).containsExactly("game::strategy", "interface::graphical", "interface::x11",
                "role::program", "uitoolkit::sdl", "uitoolkit::wxwidgets", "use::gameplaying", "x11::application");
        assertThat(game.tagWords()).isEqualTo("game strategy interface graphical interface x11 role program uitoolkit sdl"
                + " uitoolkit wxwidgets use gameplaying x11 application");
    }

    @Test
    void read_longDescription_keepsTheShortOneAndTheFirstRecordOfARepeatedName() throws Exception {
        DebianIndex.Package lib = DebianIndex.read(excerpt()).packages().get(2);

        assertThat(lib.description()).isEqualTo("foo library - shared library");
        assertThat(lib.maintainer()).startsWith("Jane Doe");
        assertThat(lib.tags()).isEmpty();
        assertThat(lib.tagWords()).isEmpty();
    }

    @Test
    void read_caseInsensitiveFieldsTabContinuationArchiveAreaAndCrlf() throws Exception {
        List<DebianIndex.Package> packages = DebianIndex.read(excerpt()).packages();
        DebianIndex.Package gnome = packages.get(5);
        DebianIndex.Package crlf = packages.get(8);

        assertThat(gnome.description()).isEqualTo("A puzzle game for GNOME");
        assertThat(gnome.section()).isEqualTo("games"); // contrib/games
        assertThat(gnome.tags()).containsExactly("game::puzzle", "interface::graphical");
        assertThat(crlf.description()).isEqualTo("a game written with CRLF line ends");
        assertThat(crlf.section()).isEqualTo("games");
        assertThat(packages.get(7).section()).isEmpty();
    }

    @Test
    void parse_continuationBeforeAnyField_isAnOddLine() throws Exception {
        DebianIndex.Index index = DebianIndex.parse(new StringReader(" stray\nPackage: a\nSection: x\n"));

        assertThat(index.oddLines()).isEqualTo(1);
        assertThat(index.packages()).hasSize(1);
    }

    @Test
    void read_emptyIndex_failsWithOneLineSayingToRunAptGetUpdate() throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "\n\n");

        assertThatThrownBy(() -> DebianIndex.read(empty))
                .hasMessage("the Debian package index is empty (" + empty + " lists no package): run 'apt-get update'"
                        + " as root (bin/install-deps does)");
    }

    @Test
    void dumpavail_noAptCacheOrAnEmptyIndex_failsWithOneLineSayingToRunAptGetUpdate() throws Exception {
        assertThatThrownBy(() -> DebianIndex.dumpavail(List.of(tmp.resolve("apt-cache").toString(), "dumpavail")))
                .hasMessageStartingWith("cannot run 'apt-cache dumpavail' (Cannot run program")
                .hasMessageEndingWith("): the Debian package index needs apt; on Debian, run 'apt-get update' as root"
                        + " (bin/install-deps does)")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> DebianIndex.dumpavail(List.of("true")))
                .hasMessage("the Debian package index is empty ('apt-cache dumpavail' lists no package): run"
                        + " 'apt-get update' as root (bin/install-deps does)");
        assertThatThrownBy(() -> DebianIndex.dumpavail(List.of("false")))
                .hasMessage("'apt-cache dumpavail' exited with 1: run 'apt-get update' as root (bin/install-deps does)");
    }

    @Test
    void releaseFacts_newestDateAndTheBaseSuitesVersion() throws Exception {
        Files.writeString(tmp.resolve("x_dists_bookworm-security_InRelease"), "-----BEGIN PGP SIGNED MESSAGE-----\n"
                + "Hash: SHA256\n\nOrigin: Debian\nVersion: 12\nCodename: bookworm-security\n"
                + "Date: Sat, 05 Dec 2026 03:33:28 UTC\n");
        Files.writeString(tmp.resolve("x_dists_bookworm_InRelease"),
                "Origin: Debian\nVersion: 12.15\nCodename: bookworm\nDate: Sat, 11 Jul 2026 10:16:37 UTC\n");

        Map<String, Object> facts = DebianIndex.releaseFacts(tmp);

        assertThat(facts).containsEntry("indexDate", "2026-12-05T03:33:28Z")
                .containsEntry("indexRelease", "Debian 12.15 (bookworm)");
        assertThat(DebianIndex.releaseFacts(tmp.resolve("missing"))).isEmpty();
    }
}
