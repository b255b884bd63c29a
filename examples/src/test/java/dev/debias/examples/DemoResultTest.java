package dev.debias.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@link DemoResult} reads what the demo reports from a run's {@code metrics.json} and history. */
class DemoResultTest {

    private static final String METRICS = """
            {"method": "dcwp", "test": {
              "averageAccuracy": 0.5, "unbiasedAccuracy": 0.4, "alignedAccuracy": 0.9,
              "conflictingAccuracy": 0.25, "worstGroupAccuracy": null,
              "groups": [
                {"name": "y=0,a=0", "count": 8, "correct": 6},
                {"name": "y=0,a=1", "count": 0, "correct": 0},
                {"name": "y=1,a=0", "count": 4, "correct": 1}]}}
            """;

    private static final String HISTORY = """
            phase,step,epoch,trainLoss,unbiasedAccuracy
            mine,5,1,0.9,0.10
            mine,10,2,0.8,0.20
            finetune,5,1,0.7,0.30
            finetune,10,2,0.6,0.45
            finetune,15,3,0.5,0.55
            """;

    private static Path run(Path dir, String metrics, String history) throws IOException {
        Files.createDirectories(dir.resolve(TrainCommand.CHECKPOINTS));
        Files.writeString(dir.resolve("metrics.json"), metrics);
        Files.writeString(dir.resolve(TrainCommand.CHECKPOINTS).resolve("history.csv"), history);
        return dir;
    }

    @Test
    void readsTheTestFiguresTheNonEmptyGroupsAndTheLastPhasesCurve(@TempDir Path tmp) throws IOException {
        DemoResult r = DemoResult.read("dcwp", run(tmp, METRICS, HISTORY));
        assertEquals("dcwp", r.method());
        assertEquals(0.5, r.average());
        assertEquals(0.4, r.unbiased());
        assertEquals(0.9, r.aligned());
        assertEquals(0.25, r.conflicting());
        assertTrue(Double.isNaN(r.worst()), "a null figure reads as NaN");
        assertEquals(List.of(new DemoResult.Group("y=0,a=0", 8, 0.75), new DemoResult.Group("y=1,a=0", 4, 0.25)), r.groups());
        assertArrayEquals(new double[] {5, 10, 15}, r.steps());
        assertArrayEquals(new double[] {0.30, 0.45, 0.55}, r.validationUnbiased());
    }

    @Test
    void theTablesNameEveryMethodAndItsWorstGroupsFirst(@TempDir Path tmp) throws IOException {
        DemoResult r = DemoResult.read("dcwp", run(tmp, METRICS, HISTORY));
        String table = DemoCommand.comparison(List.of(r));
        assertTrue(table.lines().anyMatch(l -> l.matches("dcwp\\s+50\\.0\\s+40\\.0\\s+90\\.0\\s+25\\.0\\s+NaN")), table);
        String worst = DemoCommand.worstGroups(List.of(r));
        assertTrue(worst.contains("y=1,a=0 25.0 % (n = 4)  y=0,a=0 75.0 % (n = 8)"), worst);
    }

    @Test
    void aMissingOrMalformedFileIsAnErrorNamingIt(@TempDir Path tmp) throws IOException {
        Path noMetrics = Files.createDirectories(tmp.resolve("none"));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> DemoResult.read("erm", noMetrics));

        Path garbled = run(tmp.resolve("garbled"), "{\"test\": [1, 2", HISTORY);
        assertReadFails(garbled, garbled.resolve("metrics.json").toString(), false);
        assertReadFails(run(tmp.resolve("notest"), "{\"method\": \"erm\"}", HISTORY), "has no test metrics", true);
        assertReadFails(run(tmp.resolve("nocolumn"), METRICS, "phase,step,trainLoss\ntrain,1,0.5\n"),
                "lacks a phase, step or unbiasedAccuracy column", false);
        assertReadFails(run(tmp.resolve("short"), METRICS, "phase,step,unbiasedAccuracy\ntrain,1,0.5\ntrain,2\n"),
                "line 3 has 2 cells, fewer than its header", true);
        assertReadFails(run(tmp.resolve("nan"), METRICS, "phase,step,unbiasedAccuracy\ntrain,1,half\n"), "history.csv line 2: ", false);
        assertReadFails(run(tmp.resolve("empty"), METRICS, ""), "is empty", true);
    }

    /** Reading the run fails with an IOException whose message holds (or, atEnd, ends with) the text. */
    private static void assertReadFails(Path runDir, String message, boolean atEnd) {
        IOException e = assertThrows(IOException.class, () -> DemoResult.read("erm", runDir));
        assertTrue(atEnd ? e.getMessage().endsWith(message) : e.getMessage().contains(message), e.getMessage());
    }
}
