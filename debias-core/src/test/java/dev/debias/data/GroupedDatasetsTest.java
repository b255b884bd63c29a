package dev.debias.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;

import org.junit.jupiter.api.Test;

class GroupedDatasetsTest {

    @Test
    void addsGroupsAndIndicesToAUserDataset() throws Exception {
        try (NDManager data = NDManager.newBaseManager();
                NDManager manager = NDManager.newBaseManager()) {
            // Four samples of shape (2), uint8 values 10 * i and 10 * i + 1.
            byte[] raw = {0, 1, 10, 11, 20, 21, 30, 31};
            ArrayDataset user =
                    new ArrayDataset.Builder()
                            .setData(data.create(raw, new Shape(4, 2)).toType(DataType.UINT8, false))
                            .optLabels(data.create(new float[] {0, 1, 1, 0}))
                            .setSampling(2, false)
                            .build();
            GroupSpec spec = GroupSpec.builder(2, 2).optDiagonalAlignment().build();
            GroupedDataset grouped =
                    GroupedDatasets.wrap(user, new int[] {0, 1, 1, 0}, new int[] {0, 1, 0, -1}, spec);
            assertEquals(4, grouped.size());
            assertArrayEquals(new int[] {0, 3, 2, -1}, grouped.groups());
            long before = data.getManagedArrays().size();
            try (Batch batch = grouped.batch(manager, new long[] {2, 0})) {
                assertEquals(DataType.FLOAT32, batch.getData().head().getDataType());
                assertArrayEquals(new float[] {20, 21, 0, 1}, batch.getData().head().toFloatArray());
                assertArrayEquals(
                        new long[] {1, 0}, batch.getLabels().get(GroupedLabels.LABEL).toLongArray());
                assertArrayEquals(
                        new long[] {2, 0}, batch.getLabels().get(GroupedLabels.GROUP).toLongArray());
                assertArrayEquals(
                        new long[] {2, 0}, batch.getLabels().get(GroupedLabels.INDEX).toLongArray());
            }
            assertEquals(0, manager.getManagedArrays().size());
            assertEquals(before, data.getManagedArrays().size());

            int seen = 0;
            for (Batch batch : grouped.getData(manager)) {
                try (batch) {
                    seen += batch.getSize();
                }
            }
            assertEquals(4, seen);
        }
    }

    @Test
    void rejectsLabelsThatDoNotFit() {
        try (NDManager data = NDManager.newBaseManager()) {
            ArrayDataset user =
                    new ArrayDataset.Builder()
                            .setData(data.zeros(new Shape(2, 3)))
                            .setSampling(1, false)
                            .build();
            GroupSpec spec = GroupSpec.builder(2, 2).build();
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> GroupedDatasets.wrap(user, new int[] {0}, new int[] {0}, spec));
            assertTrue(e.getMessage().contains("2 samples"), e.getMessage());
            e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> GroupedDatasets.wrap(user, new int[] {0, 2}, new int[] {0, 0}, spec));
            assertTrue(e.getMessage().contains("sample 1"), e.getMessage());
        }
    }
}
