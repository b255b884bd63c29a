package dev.debias.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** {@link ResidentMemory}'s report of a run's samples (time in ns, resident kB, resident less heap kB). */
class ResidentMemoryTest {

    /**
     * Eleven samples a second apart: resident memory growing by 1 MB a second for five seconds, then
     * 2,000-2,003 MB; outside the heap a steady 700 MB, then 701 MB from the ninth second on.
     */
    private static List<long[]> samples() {
        List<long[]> s = new ArrayList<>();
        long second = 1_000_000_000L;
        for (int i = 0; i <= 10; i++) {
            long mb = i <= 5 ? 1_995 + i : 2_000 + (i % 4);
            s.add(new long[] {5 * second + i * second, mb * 1024, (i < 8 ? 700 : 701) * 1024});
        }
        return s;
    }

    @Test
    void readsTheSampleAtEachFractionOfTheElapsedTime() {
        List<long[]> s = samples();
        assertEquals(1_995 * 1024, ResidentMemory.atFraction(s, ResidentMemory.RESIDENT, 0.0));
        assertEquals(1_996 * 1024, ResidentMemory.atFraction(s, ResidentMemory.RESIDENT, 0.1));
        assertEquals(1_998 * 1024, ResidentMemory.atFraction(s, ResidentMemory.RESIDENT, 0.25), "the first sample at or after 2.5 s");
        assertEquals(2_002 * 1024, ResidentMemory.atFraction(s, ResidentMemory.RESIDENT, 1.0));
        assertEquals(-1, ResidentMemory.atFraction(List.of(), ResidentMemory.RESIDENT, 0.5));
    }

    @Test
    void theSecondHalfsRangeShowsWhetherTheRunIsFlat() {
        List<long[]> s = samples();
        assertArrayEquals(new long[] {2_000 * 1024, 2_003 * 1024, 6}, ResidentMemory.range(s, ResidentMemory.RESIDENT, 0.5, 1.0));
        assertArrayEquals(new long[] {1_995 * 1024, 2_003 * 1024, 11}, ResidentMemory.range(s, ResidentMemory.RESIDENT, 0.0, 1.0));
        String line = ResidentMemory.report(s, 2_100 * 1024);
        assertArrayEquals(new long[] {700 * 1024, 701 * 1024, 6}, ResidentMemory.range(s, ResidentMemory.OUTSIDE_HEAP, 0.5, 1.0));
        assertEquals(701 * 1024, ResidentMemory.atFraction(s, ResidentMemory.OUTSIDE_HEAP, 0.75));
        assertEquals(List.of(
                "resident memory: peak 2100 MB; at 10/25/50/75/100 % of the run"
                        + " 1996 / 1998 / 2000 / 2000 / 2002 MB; over its second half 2000-2003 MB (6 samples)",
                "outside the Java heap: at 10/25/50/75/100 % of the run"
                        + " 700 / 700 / 700 / 701 / 701 MB; over its second half 700-701 MB (6 samples)"),
                line.lines().toList());
        assertEquals("resident memory: not sampled", ResidentMemory.report(List.of(), 1));
    }
}
