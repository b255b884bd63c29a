package dev.debias.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Record;

import org.junit.jupiter.api.Test;

class GroupedArrayDatasetTest {

    private static GroupedArrayDataset fourImages() {
        byte[] pixels = new byte[4 * 2];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 30);
        }
        return GroupedArrayDataset.builder()
                .setImages(pixels, new Shape(1, 2))
                .setLabels(new int[] {0, 1, 1, 0})
                .optAttributes(new int[] {0, 1, 0, 0})
                .setSampling(2, false)
                .build();
    }

    @Test
    void engineLoadsOffline() {
        assertEquals("PyTorch", Engine.getInstance().getEngineName());
        assertEquals("true", System.getProperty("ai.djl.offline"));
    }

    @Test
    void batchGathersRowsAndLabelColumns() {
        try (GroupedArrayDataset ds = fourImages();
                NDManager manager = NDManager.newBaseManager();
                Batch batch = ds.batch(manager, new long[] {2, 0})) {
            assertEquals(DataType.FLOAT32, batch.getData().head().getDataType());
            assertArrayEquals(
                    new float[] {120f / 255f, 150f / 255f, 0f, 30f / 255f},
                    batch.getData().head().toFloatArray(),
                    1e-6f);
            assertArrayEquals(new long[] {1, 0}, batch.getLabels().get(GroupedLabels.LABEL).toLongArray());
            assertArrayEquals(new long[] {2, 0}, batch.getLabels().get(GroupedLabels.GROUP).toLongArray());
            assertArrayEquals(new long[] {2, 0}, batch.getLabels().get(GroupedLabels.INDEX).toLongArray());
        }
    }

    @Test
    void iteratesAllSamplesInBatches() throws Exception {
        try (GroupedArrayDataset ds = fourImages(); NDManager manager = NDManager.newBaseManager()) {
            int seen = 0;
            for (Batch batch : ds.getData(manager)) {
                try (batch) {
                    seen += batch.getSize();
                    assertEquals(new Shape(2, 1, 2), batch.getData().head().getShape());
                }
            }
            assertEquals(4, seen);
            assertEquals(0, manager.getManagedArrays().size());
        }
    }

    @Test
    void recordHasScalarLabels() {
        try (GroupedArrayDataset ds = fourImages(); NDManager manager = NDManager.newBaseManager()) {
            Record r = ds.get(manager, 1);
            assertEquals(new Shape(1, 2), r.getData().head().getShape());
            assertEquals(3L, r.getLabels().get(GroupedLabels.GROUP).getLong());
        }
    }

    @Test
    void rejectsLabelOutsideSpec() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                GroupedArrayDataset.builder()
                                        .setFeatures(new float[2], new Shape(1))
                                        .setLabels(new int[] {0, 5})
                                        .optGroupSpec(GroupSpec.builder(2, 2).build())
                                        .build());
        assertEquals(true, e.getMessage().contains("sample 1"));
    }
}
