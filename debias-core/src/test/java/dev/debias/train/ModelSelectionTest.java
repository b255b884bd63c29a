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

    private static GroupMetrics metrics(long[] correct) {
        return GroupMetrics.builder(GroupSpec.builder(2, 2).optDiagonalAlignment().build())
                .setGroupCounts(new long[] {4, 4, 4, 4}, correct)
                .build();
    }

    @Test
    void tiesOnWorstGroupAreBrokenByUnbiasedAccuracy() {
        GroupMetrics first = metrics(new long[] {4, 0, 1, 4}); // worst 0, unbiased 9/16
        GroupMetrics better = metrics(new long[] {4, 0, 3, 4}); // worst 0, unbiased 11/16
        GroupMetrics same = metrics(new long[] {4, 0, 1, 4});
        assertEquals(true, ModelSelection.WORST_GROUP.prefers(better, first));
        assertEquals(false, ModelSelection.WORST_GROUP.prefers(same, first));
        assertEquals(false, ModelSelection.WORST_GROUP.prefers(first, better));
        assertEquals(true, ModelSelection.LAST.prefers(first, better));
    }

    @Test
    void anUndefinedScoreNeverBeatsADefinedOne() {
        GroupMetrics empty =
                GroupMetrics.builder(GroupSpec.builder(2, 2).build())
                        .setGroupCounts(new long[4], new long[4])
                        .optUnknownGroup(4, 2)
                        .optClassCounts(new long[] {2, 2}, new long[] {1, 1})
                        .build();
        GroupMetrics defined = metrics(new long[] {4, 1, 1, 4});
        assertEquals(false, ModelSelection.WORST_GROUP.prefers(empty, defined));
        assertEquals(true, ModelSelection.WORST_GROUP.prefers(defined, empty));
    }
}
