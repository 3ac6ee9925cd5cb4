package dev.mcprefresh.agent.library;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The release matrix's version order: how the libraries it covers number their releases. */
class ReleaseVersionTest {

    @Test
    void releasesSortAsTheirPublishersMeanThem() {
        List<String> sorted = List.of("0.7.0", "0.9.0", "0.10.0", "0.18.5", "1.0.0-alpha1", "1.0.0-beta5", "1.0.0",
                "1.0.1-beta6", "1.4.0-beta9", "1.4.0-beta10", "1.18.1-beta28", "2.0.0", "2.0.1", "2.10.0");
        List<ReleaseVersion> shuffled = new ArrayList<>();
        for (int i = sorted.size() - 1; i >= 0; i--) {
            shuffled.add(new ReleaseVersion(sorted.get((i * 5) % sorted.size())));
        }
        shuffled.sort(null);
        assertEquals(sorted, shuffled.stream().map(ReleaseVersion::text).toList());
    }

    @Test
    void milestonesCandidatesAndSnapshotsAreNotReleases() {
        assertTrue(new ReleaseVersion("2.0.0-M3").preview());
        assertTrue(new ReleaseVersion("2.0.0-RC1").preview());
        assertTrue(new ReleaseVersion("0.2.0-SNAPSHOT").preview());
        assertTrue(new ReleaseVersion("1.0.0-rc2").preview());
        assertTrue(new ReleaseVersion("1.0.0.RC1").preview());
        assertFalse(new ReleaseVersion("1.4.0-beta10").preview());
        assertFalse(new ReleaseVersion("2.1.0").preview());
    }
}
