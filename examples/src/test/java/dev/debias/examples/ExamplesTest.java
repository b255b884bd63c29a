package dev.debias.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.debias.data.MnistSplits;
import dev.debias.data.SyntheticDigits;
import dev.debias.metrics.GroupMetrics;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every example program runs end to end with tiny settings on synthetic digits. */
class ExamplesTest {

    private static MnistSplits digits;

    @BeforeAll
    static void digits() {
        digits = SyntheticDigits.generate(2000, 400, 1);
    }

    @Test
    void erm() {
        assertEquals(400, ErmExample.run(20, digits).count());
    }

    @Test
    void groupDro() {
        assertEquals(400, GroupDroExample.run(20, digits).count());
    }

    @Test
    void lff() {
        assertEquals(400, LfFExample.run(20, digits).count());
    }

    @Test
    void jtt() {
        GroupMetrics test = JttExample.run(20, digits);
        assertEquals(400, test.count());
    }
}
