package dev.debias.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import dev.debias.augment.SubgroupTranslator;
import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.model.ColoredMnistMlp;

import java.util.Random;
import java.util.function.Supplier;

/**
 * Biased two-class uint8 images of 1 x 4 x 4 for CAMEL tests: the top two rows carry the label
 * weakly (brightness shifted by the label, with noise), the bottom two rows the attribute strongly
 * (dark or bright). In training the attribute follows the label for all but a few images. {@link
 * #oracle()} translates perfectly: it repaints the bottom rows with the target attribute. Public in
 * the core test jar for the other modules' tests.
 */
public final class ToyImages {

    public static final Shape INPUT = new Shape(1, 1, 4, 4);
    private static final int PIXELS = 16;
    private static final int TOP = 8;

    private ToyImages() {}

    public static GroupSpec spec() {
        return GroupSpec.builder(2, 2).optDiagonalAlignment().build();
    }

    /** Images with the given share of bias-conflicting ones (at least one per conflicting group). */
    public static GroupedArrayDataset train(int n, double conflicting, long seed) {
        Random random = new Random(seed);
        int[] y = new int[n];
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            boolean conflict = i < 2 || random.nextDouble() < conflicting;
            a[i] = conflict ? 1 - y[i] : y[i];
        }
        return dataset(y, a, random);
    }

    /** Every (label, attribute) pair equally often. */
    public static GroupedArrayDataset balanced(int n, long seed) {
        Random random = new Random(seed);
        int[] y = new int[n];
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            a[i] = (i / 2) % 2;
        }
        return dataset(y, a, random);
    }

    private static GroupedArrayDataset dataset(int[] y, int[] a, Random random) {
        byte[] pixels = new byte[y.length * PIXELS];
        for (int i = 0; i < y.length; i++) {
            for (int p = 0; p < TOP; p++) {
                double v = 128 + (2 * y[i] - 1) * 30 + 45 * random.nextGaussian();
                pixels[i * PIXELS + p] = (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
            }
            for (int p = TOP; p < PIXELS; p++) {
                pixels[i * PIXELS + p] = (byte) attributeValue(a[i]);
            }
        }
        return GroupedArrayDataset.builder()
                .setImages(pixels, new Shape(1, 4, 4))
                .setLabels(y)
                .optAttributes(a)
                .optGroupSpec(spec())
                .setSampling(64, false)
                .build();
    }

    static int attributeValue(int attribute) {
        return attribute == 1 ? 220 : 30;
    }

    /** A translator that repaints the attribute rows, for every class and pair. */
    public static SubgroupTranslator oracle() {
        return new SubgroupTranslator() {
            @Override
            public boolean supports(int label, int from, int to) {
                return label >= 0 && label < 2 && from != to && from >= 0 && from < 2 && to >= 0 && to < 2;
            }

            @Override
            public NDArray translate(NDArray images, int label, int from, int to) {
                NDArray rows = images.getManager().arange(PIXELS).reshape(1, 1, 4, 4).lt(TOP).toType(images.getDataType(), false);
                float value = attributeValue(to) / 255f;
                return images.mul(rows).add(rows.neg().add(1).mul(value));
            }
        };
    }

    public static Supplier<Block> mlp() {
        return () -> ColoredMnistMlp.builder().setHiddenSizes(32, 32).setNumClasses(2).optInputSize(PIXELS).build();
    }
}
