package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void stepDecayIsPyTorchsStepLr() {
        LearningRateSchedule s = LearningRateSchedule.stepDecay(10, 0.5f);
        assertEquals(1, s.factor(0));
        assertEquals(1, s.factor(9));
        assertEquals(0.5, s.factor(10));
        assertEquals(0.25, s.factor(25));
    }

    @Test
    void disEntsOffsetDecayFirstDecaysAtUpdate20000() {
        // ALGORITHMS.md §9.4: lr * gamma^floor(max(0, s - curr_step) / step), curr_step = step = 10,000.
        LearningRateSchedule s = LearningRateSchedule.stepDecay(10_000, 0.5f).startingAt(10_000);
        assertEquals(1, s.factor(0));
        assertEquals(1, s.factor(19_999));
        assertEquals(0.5, s.factor(20_000));
        assertEquals(0.25, s.factor(30_000));
    }

    @Test
    void linearDecayFallsToZero() {
        LearningRateSchedule s = LearningRateSchedule.linearDecay(50, 100);
        assertEquals(1, s.factor(49));
        assertEquals(1, s.factor(50));
        assertEquals(0.5, s.factor(75));
        assertEquals(0, s.factor(100));
        assertEquals(0, s.factor(150));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.linearDecay(100, 100));
    }

    @Test
    void optimizerRatesFollowTheSchedule() {
        OptimizerConfig c = OptimizerConfig.adam(0.01f).optSchedule(LearningRateSchedule.linearDecay(0, 4)).build();
        assertEquals(0.01f, c.learningRateAt(1), 1e-9);
        assertEquals(0.005f, c.learningRateAt(3), 1e-9);
        assertEquals(0f, c.learningRateAt(5), 0);
        assertEquals("linear", c.describe().getAsJsonObject("schedule").get("type").getAsString());
    }

    @Property
    void schedulesAreNonIncreasingAndWithinZeroAndOne(@ForAll @LongRange(min = 0, max = 100_000) long k) {
        for (LearningRateSchedule s :
                new LearningRateSchedule[] {
                    LearningRateSchedule.stepDecay(1000, 0.3f),
                    LearningRateSchedule.linearDecay(500, 50_000),
                    LearningRateSchedule.stepDecay(700, 0.9f).startingAt(3000)
                }) {
            double now = s.factor(k);
            double next = s.factor(k + 1);
            assertEquals(true, now >= 0 && now <= 1 && next <= now, s + " at " + k);
        }
    }
}
