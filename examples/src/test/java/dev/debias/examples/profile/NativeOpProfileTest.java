package dev.debias.examples.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading libtorch profiler traces: nesting, self time, top-level calls and per-step differences. */
class NativeOpProfileTest {

    private static String event(String name, int thread, double start, double duration) {
        return String.format(java.util.Locale.ROOT,
                "{\"name\": \"%s\", \"ph\": \"X\", \"ts\": %.3f, \"dur\": %.3f, \"tid\": %d, \"pid\": \"CPU Functions\", \"args\": {}}",
                name, start, duration, thread);
    }

    /** matmul [0, 10) encloses mm [1, 8), which encloses resolve_conj [2, 3); add [12, 14); on thread 2 a backward op. */
    private static final String TRACE = "[\n"
            + event("aten::mm", 1, 1, 7) + ",\n"
            + event("aten::matmul", 1, 0, 10) + ",\n"
            + event("aten::resolve_conj", 1, 2, 1) + ",\n"
            + event("aten::add", 1, 12, 2) + ",\n"
            + event("AddmmBackward0", 2, 1, 6) + ",\n"
            + event("aten::mm", 2, 2, 4) + ",\n"
            + "{\"name\": \"a counter\", \"ph\": \"C\", \"ts\": 1, \"tid\": 1}\n"
            + "]";

    @Test
    void selfTimeIsTheDurationWithoutTheNestedOperations() throws IOException {
        NativeOpProfile profile = NativeOpProfile.read(new StringReader(TRACE), "trace");
        assertEquals(new NativeOpProfile.OpTotals(1, 1, 3, 10), profile.ops().get("aten::matmul"));
        // mm: 7 - 1 on thread 1, plus 4 on thread 2, both nested
        assertEquals(new NativeOpProfile.OpTotals(2, 0, 10, 11), profile.ops().get("aten::mm"));
        assertEquals(new NativeOpProfile.OpTotals(1, 0, 1, 1), profile.ops().get("aten::resolve_conj"));
        assertEquals(new NativeOpProfile.OpTotals(1, 1, 2, 2), profile.ops().get("aten::add"));
        assertEquals(new NativeOpProfile.OpTotals(1, 1, 2, 6), profile.ops().get("AddmmBackward0"));
        assertFalse(profile.ops().containsKey("a counter"), "only complete events count");
        // the self times add up to the time covered by top-level operations: 10 + 2 + 6
        assertEquals(18, profile.total().selfMicros(), 1e-9);
        assertEquals(3, profile.total().topLevelCalls(), 1e-9);
        assertEquals("aten::mm", profile.ops().keySet().iterator().next(), "largest self time first");
    }

    @Test
    void anOperationStartingWhenAnotherEndsIsNotNestedInIt() throws IOException {
        String trace = "[" + event("aten::a", 1, 0, 5) + "," + event("aten::b", 1, 5, 2) + "]";
        NativeOpProfile profile = NativeOpProfile.read(new StringReader(trace), "trace");
        assertEquals(new NativeOpProfile.OpTotals(1, 1, 5, 5), profile.ops().get("aten::a"));
        assertEquals(new NativeOpProfile.OpTotals(1, 1, 2, 2), profile.ops().get("aten::b"));
    }

    @Test
    void perStepBeyondDividesTheDifferenceByTheExtraSteps() throws IOException {
        // shorter run: set-up op s once and one step (op x); longer: s once and three steps
        String shorter = "[" + event("setup", 1, 0, 100) + "," + event("x", 1, 200, 4) + "]";
        String longer = "[" + event("setup", 1, 0, 90) + "," + event("x", 1, 200, 4) + "," + event("x", 1, 300, 6) + ","
                + event("x", 1, 400, 8) + "]";
        NativeOpProfile perStep = NativeOpProfile.read(new StringReader(longer), "l")
                .perStepBeyond(NativeOpProfile.read(new StringReader(shorter), "s"), 2);
        assertEquals(new NativeOpProfile.OpTotals(1, 1, 7, 7), perStep.ops().get("x"));
        assertFalse(perStep.ops().containsKey("setup"), "an operation both runs called as often cancels");
        assertThrows(IllegalArgumentException.class, () -> perStep.perStepBeyond(perStep, 0));
    }

    @Test
    void aFileThatIsNoTraceIsRefusedByName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\"not\": \"an array\"}");
        IOException e = assertThrows(IOException.class, () -> NativeOpProfile.read(file));
        assertTrue(e.getMessage().contains("broken.json"), e.getMessage());
    }

    @Test
    void threadKindsDropTheTrailingNumber() {
        assertEquals("GC Thread", ThreadCpuTimes.kind("GC Thread#1"));
        assertEquals("C2 CompilerThre", ThreadCpuTimes.kind("C2 CompilerThre"));
        assertEquals("pool-1-thread", ThreadCpuTimes.kind("pool-1-thread-3"));
        assertEquals("42", ThreadCpuTimes.kind("42"));
    }

    @Test
    void cpuTimeIsUserPlusSystemTicksAfterTheName() {
        // pid (comm) state ppid ... field 14 utime = 250, field 15 stime = 7; the name holds ") ("
        String stat = "731 (C2 ) (Thr) S 1 1 1 0 -1 4194368 10 0 0 0 250 7 0 0 20 0 1 0 100 0 0";
        assertEquals(2570.0, ThreadCpuTimes.cpuMillis(stat), 1e-9);
    }
}
