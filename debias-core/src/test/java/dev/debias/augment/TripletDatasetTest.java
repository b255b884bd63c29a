package dev.debias.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.train.ToyImages;

import org.junit.jupiter.api.Test;

class TripletDatasetTest {

    /** Renders an image in a target attribute by writing the attribute into every pixel's tenths. */
    private static SubgroupTranslator marking() {
        return new SubgroupTranslator() {
            @Override
            public boolean supports(int label, int from, int to) {
                return true;
            }

            @Override
            public NDArray translate(NDArray images, int label, int from, int to) {
                // v = (label * 100 + to * 10 + 0.9) / 255: stored as floor, label * 100 + to * 10
                return images.zerosLike().add((label * 100 + to * 10 + 0.9f) / 255f);
            }
        };
    }

    @Test
    void tripletsStayAlignedThroughShuffledBatches() {
        try (NDManager m = NDManager.newBaseManager();
                GroupedArrayDataset data = ToyImages.train(200, 0.1, 4);
                TripletDataset triplets =
                        TripletDataset.builder().setDataset(data).setTranslator(ToyImages.oracle()).optTranslationBatchSize(7).build(m)) {
            long[] shuffled = {17, 3, 150, 88, 0, 199, 42};
            try (Batch batch = triplets.batch(m, shuffled)) {
                NDList views = batch.getData();
                assertEquals(3, views.size());
                NDArray x = views.get(0);
                assertArrayEquals(data.features(m, shuffled).toFloatArray(), x.toFloatArray(), 0f);
                for (int view = 0; view < 2; view++) {
                    // the oracle's translation of these very images toward attribute `view`
                    float[] expected = ToyImages.oracle().translate(x, 0, 1 - view, view).toFloatArray();
                    float[] stored = views.get(1 + view).toFloatArray();
                    for (int p = 0; p < expected.length; p++) {
                        assertEquals(Math.floor(expected[p] * 255 + 1e-3) / 255, stored[p], 1e-6, "pixel " + p);
                    }
                }
                assertArrayEquals(new long[] {17, 3, 150, 88, 0, 199, 42}, batch.getLabels().get(2).toLongArray());
            }
        }
    }

    @Test
    void translationsAreStoredAsTheFloorOf255Times() {
        try (NDManager m = NDManager.newBaseManager();
                GroupedArrayDataset data = ToyImages.train(40, 0.2, 5);
                TripletDataset triplets = TripletDataset.builder().setDataset(data).setTranslator(marking()).build(m)) {
            for (int i = 0; i < data.size(); i++) {
                int label = data.labels()[i];
                for (int view = 0; view < 2; view++) {
                    byte[] raw = triplets.view(view).rawBytes();
                    assertEquals(label * 100 + view * 10, raw[i * 16] & 0xff, "sample " + i + " view " + view);
                }
            }
            assertArrayEquals(new int[] {0, 1}, triplets.pair(1));
        }
    }

    @Test
    void refusesAClassWithMoreThanTwoAttributes() {
        int[] y = {0, 0, 0, 1, 1};
        int[] a = {0, 1, 2, 0, 1};
        try (NDManager m = NDManager.newBaseManager();
                GroupedArrayDataset data = GroupedArrayDataset.builder()
                        .setImages(new byte[5 * 4], new Shape(1, 2, 2))
                        .setLabels(y)
                        .optAttributes(a)
                        .optGroupSpec(GroupSpec.builder(2, 3).build())
                        .build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TripletDataset.builder().setDataset(data).setTranslator(marking()).build(m));
            assertTrue(e.getMessage().contains("3 attributes"), e.getMessage());
        }
    }

    @Test
    void namesThePairATranslatorCannotMap() {
        SubgroupTranslator onlyClassZero = new SubgroupTranslator() {
            @Override
            public boolean supports(int label, int from, int to) {
                return label == 0;
            }

            @Override
            public NDArray translate(NDArray images, int label, int from, int to) {
                return images;
            }
        };
        try (NDManager m = NDManager.newBaseManager(); GroupedArrayDataset data = ToyImages.train(40, 0.2, 6)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TripletDataset.builder().setDataset(data).setTranslator(onlyClassZero).build(m));
            assertTrue(e.getMessage().contains("class 1"), e.getMessage());
        }
    }

    @Test
    void refusesImagesWithoutAttribute() {
        try (NDManager m = NDManager.newBaseManager();
                GroupedArrayDataset data = GroupedArrayDataset.builder()
                        .setImages(new byte[2 * 4], new Shape(1, 2, 2))
                        .setLabels(new int[] {0, 1})
                        .optGroupSpec(GroupSpec.builder(2, 2).build())
                        .build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TripletDataset.builder().setDataset(data).setTranslator(marking()).build(m));
            assertTrue(e.getMessage().contains("no bias attribute"), e.getMessage());
        }
    }
}
