package dev.debias.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.debias.data.GroupSpec;
import dev.debias.metrics.GroupMetrics;

import org.junit.jupiter.api.Test;

class ModelSelectionTest {

    @Test
    void autoUsesWorstGroupWithGroupLabelsAndWorstClassWithout() {
        assertEquals(ModelSelection.WORST_GROUP, ModelSelection.AUTO.resolve(true));
        assertEquals(ModelSelection.WORST_CLASS, ModelSelection.AUTO.resolve(false));
        assertEquals(ModelSelection.LAST, ModelSelection.LAST.resolve(false));
    }

    @Test
    void scoresReadTheMatchingMetric() {
        // Groups (y, a): (0,0) 3/4 right, (0,1) 1/2, (1,0) 0/1, (1,1) 4/4.
        GroupMetrics m =
                GroupMetrics.builder(GroupSpec.builder(2, 2).optDiagonalAlignment().build())
                        .setGroupCounts(new long[] {4, 2, 1, 4}, new long[] {3, 1, 0, 4})
                        .optClassCounts(new long[] {6, 5}, new long[] {4, 4})
                        .build();
        assertEquals(0.0, ModelSelection.WORST_GROUP.score(m), 1e-12);
        assertEquals((0.75 + 0.5 + 0 + 1) / 4, ModelSelection.UNBIASED.score(m), 1e-12);
        assertEquals(8.0 / 11, ModelSelection.AVERAGE.score(m), 1e-12);
        assertEquals(4.0 / 6, ModelSelection.WORST_CLASS.score(m), 1e-12);
    }
}
