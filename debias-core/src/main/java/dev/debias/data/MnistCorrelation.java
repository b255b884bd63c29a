package dev.debias.data;

import ai.djl.ndarray.types.Shape;
import dev.debias.augment.SubgroupTranslator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * MNIST-Correlation of Goel et al., "Model Patching: Closing the Subgroup Performance Gap with Data
 * Augmentation" (CAMEL, ICLR 2021): the label is a digit's parity and the spurious attribute is
 * whether the digit carries MNIST-C's zigzag ({@link ZigzagCorruption}); in training, even digits
 * are almost always clean and odd digits almost always zigzagged.
 *
 * <p>Protocol (the reference's MNIST-Correlation loader, with its 0.5 validation fraction for every
 * method):
 *
 * <ul>
 *   <li>Classes {@code even} (0) and {@code odd} (1); attributes {@code clean} (0) and {@code
 *       zigzag} (1); aligned: even with clean, odd with zigzag.
 *   <li>Declared training group sizes (even, clean) 19,800, (even, zigzag) 200, (odd, clean) 200,
 *       (odd, zigzag) 19,800. MNIST's training split is cut in two before filtering: group {@code
 *       g}'s training part ({@code size - floor(size f)} images) comes from the first part, its
 *       validation part ({@code floor(size f)}) from the second, each filtered by parity and taken
 *       from the <em>start</em> of the filtered part for clean groups and from its <em>end</em> for
 *       zigzag groups, so clean and zigzag images never share a digit image. With {@code f = 0.5}
 *       the groups hold 9,900 / 100 / 100 / 9,900 training and as many validation images.
 *   <li>Test: every MNIST test image twice, clean and zigzagged (20,000 images).
 *   <li>Zigzags are drawn per image from streams of the seed and the image's index in its MNIST
 *       split, so an image is zigzagged the same way wherever it is used.
 * </ul>
 *
 * <p>{@link #translationDomains(MnistSplits)} gives stage 1's CycleGAN data: clean, the first 100
 * even and the first 100 odd training images; zigzag, the last 100 even and the last 100 odd ones.
 * As in the reference this reuses stage 2's images (its clean odd ones are stage 2's (odd, clean)
 * training group and its zigzag even ones stage 2's (even, zigzag) validation group): reproduced
 * deliberately and documented.
 */
public final class MnistCorrelation {

    /** The class of even digits. */
    public static final int EVEN = 0;

    /** The class of odd digits. */
    public static final int ODD = 1;

    /** The attribute of clean images. */
    public static final int CLEAN = 0;

    /** The attribute of zigzagged images. */
    public static final int ZIGZAG = 1;

    /** The declared training group sizes before the validation split, in group order. */
    public static final long[] PUBLISHED_GROUP_SIZES = {19_800, 200, 200, 19_800};

    /** The images per parity and domain of stage 1's CycleGAN data. */
    public static final int TRANSLATION_IMAGES_PER_PARITY = 100;

    private static final GroupSpec BASE_SPEC =
            GroupSpec.builder(2, 2)
                    .optClassNames(List.of("even", "odd"))
                    .optAttributeNames(List.of("clean", "zigzag"))
                    .optDiagonalAlignment()
                    .build();

    private final long seed;
    private final double validationFraction;
    private final long[] groupSizes;
    private final int batchSize;

    private MnistCorrelation(Builder builder) {
        this.seed = builder.seed;
        this.validationFraction = builder.validationFraction;
        this.groupSizes = builder.groupSizes.clone();
        this.batchSize = builder.batchSize();
    }

    /**
     * Returns a builder with the defaults: seed 0, validation fraction 0.5, the published group
     * sizes, batch size 256.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the groups (without counts): classes even/odd, attributes clean/zigzag.
     *
     * @return the group spec
     */
    public static GroupSpec groupSpec() {
        return BASE_SPEC;
    }

    /**
     * Returns the seed of the zigzags.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * Returns the validation fraction of every group.
     *
     * @return the fraction in [0, 1)
     */
    public double validationFraction() {
        return validationFraction;
    }

    /**
     * Returns the declared group sizes before the validation split.
     *
     * @return a copy, in group order
     */
    public long[] groupSizes() {
        return groupSizes.clone();
    }

    /**
     * Generates the splits from MNIST.
     *
     * @param mnist MNIST's training and test images, in file order, 28&times;28
     * @return training, validation (absent when the fraction is 0) and test splits
     * @throws IllegalArgumentException if a part of MNIST holds too few images of a parity for
     *     the group sizes, or the images are not 28&times;28
     */
    public GroupedSplits generate(MnistSplits mnist) {
        IdxImages trainImages = mnist.trainImages();
        int[] parity = parities(mnist.trainLabels());
        int n = trainImages.count();
        int cut = validationFraction > 0 ? (int) Math.round(n * (1 - validationFraction)) : n;
        int[] trainPart = new int[4];
        int[] validationPart = new int[4];
        for (int g = 0; g < 4; g++) {
            validationPart[g] = Math.toIntExact((long) Math.floor(groupSizes[g] * validationFraction));
            trainPart[g] = Math.toIntExact(groupSizes[g] - validationPart[g]);
        }
        long[] streams = streamSeeds();
        GroupSpec spec = BASE_SPEC.withGroupCounts(Arrays.stream(trainPart).asLongStream().toArray());
        GroupedArrayDataset train =
                dataset(trainImages, parity, 0, cut, trainPart, streams[0], spec, true, "training");
        GroupedArrayDataset validation =
                validationFraction > 0
                        ? dataset(trainImages, parity, cut, n, validationPart, streams[0], spec, false, "validation")
                        : null;
        return new GroupedSplits(train, validation, testSplit(mnist, streams[1], spec));
    }

    /**
     * Returns stage 1's CycleGAN data: attribute clean, the first {@value
     * #TRANSLATION_IMAGES_PER_PARITY} even and odd MNIST training images; attribute zigzag, the
     * last ones, zigzagged as in {@link #generate(MnistSplits)}. Labels are the parities.
     *
     * @param mnist MNIST's images
     * @return 400 images, clean even, clean odd, zigzag even, zigzag odd
     */
    public GroupedArrayDataset translationDomains(MnistSplits mnist) {
        int[] parity = parities(mnist.trainLabels());
        int per = TRANSLATION_IMAGES_PER_PARITY;
        List<int[]> clean = new ArrayList<>();
        List<int[]> zigzag = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            clean.add(take(parity, 0, parity.length, p, per, true, "the training split"));
            zigzag.add(take(parity, 0, parity.length, p, per, false, "the training split"));
        }
        long[] counts = {per, per, per, per};
        GroupSpec spec = BASE_SPEC.withGroupCounts(counts);
        Parts parts = new Parts();
        for (int p = 0; p < 2; p++) {
            parts.add(mnist.trainImages().select(clean.get(p)), p, CLEAN);
        }
        for (int p = 0; p < 2; p++) {
            parts.add(ZigzagCorruption.corrupt(mnist.trainImages(), zigzag.get(p), streamSeeds()[0]), p, ZIGZAG);
        }
        return parts.build(spec, true);
    }

    /**
     * Returns the exact translations between this dataset's subgroups: a diagnostic stand-in for
     * CAMEL's stage 1 that renders a clean training image with the zigzag this dataset draws over
     * it, and a zigzagged one as the clean digit under it ({@code CamelTrainer} with it measures
     * what stage 2 gains from perfect translations). It recognises MNIST's training images by their
     * pixels and refuses others.
     *
     * @param mnist the MNIST images {@link #generate(MnistSplits)} was given
     * @return a translator of both parities between clean and zigzag
     * @throws IllegalArgumentException if the images are not 28&times;28
     */
    public SubgroupTranslator oracleTranslator(MnistSplits mnist) {
        return new ZigzagOracleTranslator(mnist.trainImages(), streamSeeds()[0]);
    }

    private GroupedArrayDataset dataset(
            IdxImages images,
            int[] parity,
            int from,
            int to,
            int[] sizes,
            long corruptionSeed,
            GroupSpec spec,
            boolean shuffle,
            String split) {
        Parts parts = new Parts();
        String where = "the " + split + " part [" + from + ", " + to + ") of MNIST's training split";
        checkDisjoint(parity, from, to, sizes, spec, where);
        for (int y = 0; y < 2; y++) {
            for (int a = 0; a < 2; a++) {
                int g = spec.groupOf(y, a);
                int[] picked = take(parity, from, to, y, sizes[g], a == CLEAN, where);
                IdxImages part =
                        a == CLEAN ? images.select(picked) : ZigzagCorruption.corrupt(images, picked, corruptionSeed);
                parts.add(part, y, a);
            }
        }
        return parts.build(spec, shuffle);
    }

    private static void checkDisjoint(int[] parity, int from, int to, int[] sizes, GroupSpec spec, String where) {
        for (int y = 0; y < 2; y++) {
            int available = 0;
            for (int i = from; i < to; i++) {
                if (parity[i] == y) {
                    available++;
                }
            }
            int needed = sizes[spec.groupOf(y, CLEAN)] + sizes[spec.groupOf(y, ZIGZAG)];
            if (needed > available) {
                throw new IllegalArgumentException(
                        where + " holds " + available + " " + BASE_SPEC.classNames().get(y) + " digits, but its clean and"
                                + " zigzag groups need " + needed + " distinct ones");
            }
        }
    }

    private GroupedArrayDataset testSplit(MnistSplits mnist, long corruptionSeed, GroupSpec spec) {
        IdxImages images = mnist.testImages();
        int[] parity = parities(mnist.testLabels());
        int[] all = new int[images.count()];
        Arrays.setAll(all, i -> i);
        Parts parts = new Parts();
        parts.add(images.select(all), parity, CLEAN);
        parts.add(ZigzagCorruption.corrupt(images, all, corruptionSeed), parity, ZIGZAG);
        return parts.build(spec, false);
    }

    /**
     * Returns the first (or last) {@code count} indices in {@code [from, to)} of a parity, in
     * increasing order.
     */
    private static int[] take(int[] parity, int from, int to, int wanted, int count, boolean fromStart, String where) {
        int[] out = new int[count];
        int k = 0;
        if (fromStart) {
            for (int i = from; i < to && k < count; i++) {
                if (parity[i] == wanted) {
                    out[k++] = i;
                }
            }
        } else {
            for (int i = to - 1; i >= from && k < count; i--) {
                if (parity[i] == wanted) {
                    out[count - 1 - k++] = i;
                }
            }
        }
        if (k < count) {
            throw new IllegalArgumentException(
                    where + " holds " + k + " " + BASE_SPEC.classNames().get(wanted) + " digits, " + count + " needed");
        }
        return out;
    }

    private static int[] parities(int[] digits) {
        int[] out = new int[digits.length];
        for (int i = 0; i < digits.length; i++) {
            if (digits[i] < 0 || digits[i] > 9) {
                throw new IllegalArgumentException("MNIST label " + digits[i] + " at " + i + " outside 0..9");
            }
            out[i] = digits[i] % 2;
        }
        return out;
    }

    /** The corruption seeds of MNIST's training and test splits. */
    private long[] streamSeeds() {
        SplittableRandom root = new SplittableRandom(seed);
        return new long[] {root.nextLong(), root.nextLong()};
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "MnistCorrelation{seed=" + seed + ", validationFraction=" + validationFraction + ", groupSizes="
                + Arrays.toString(groupSizes) + ", batchSize=" + batchSize + '}';
    }

    /** Concatenates image sets with their labels and attributes. */
    private final class Parts {

        private final List<byte[]> pixels = new ArrayList<>();
        private final List<int[]> labels = new ArrayList<>();
        private final List<Integer> attributes = new ArrayList<>();
        private int count;

        void add(IdxImages images, int label, int attribute) {
            int[] y = new int[images.count()];
            Arrays.fill(y, label);
            add(images, y, attribute);
        }

        void add(IdxImages images, int[] y, int attribute) {
            if (images.rows() != ZigzagCorruption.SIZE || images.cols() != ZigzagCorruption.SIZE) {
                throw new IllegalArgumentException(
                        "MNIST-Correlation needs 28 x 28 images, got " + images.rows() + " x " + images.cols());
            }
            pixels.add(images.pixels());
            labels.add(y);
            attributes.add(attribute);
            count += images.count();
        }

        GroupedArrayDataset build(GroupSpec spec, boolean shuffle) {
            int size = ZigzagCorruption.SIZE * ZigzagCorruption.SIZE;
            byte[] all = new byte[Math.multiplyExact(count, size)];
            int[] y = new int[count];
            int[] a = new int[count];
            int at = 0;
            for (int k = 0; k < pixels.size(); k++) {
                int n = labels.get(k).length;
                System.arraycopy(pixels.get(k), 0, all, at * size, n * size);
                System.arraycopy(labels.get(k), 0, y, at, n);
                Arrays.fill(a, at, at + n, attributes.get(k));
                at += n;
            }
            return GroupedArrayDataset.builder()
                    .setImages(all, new Shape(1, ZigzagCorruption.SIZE, ZigzagCorruption.SIZE))
                    .setLabels(y)
                    .optAttributes(a)
                    .optGroupSpec(spec)
                    .optScale(1f / 255)
                    .setSampling(batchSize, shuffle)
                    .build();
        }
    }

    /** Configures {@link MnistCorrelation}. */
    public static final class Builder extends SplitsBuilder<Builder> {

        private long seed;
        private double validationFraction = 0.5;
        private long[] groupSizes = PUBLISHED_GROUP_SIZES.clone();

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the seed of the zigzags.
         *
         * @param value the seed; default 0
         * @return this builder
         */
        public Builder optSeed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Sets the share of every group held out for validation.
         *
         * @param fraction the fraction in [0, 1); default 0.5 (the reference's last commit)
         * @return this builder
         */
        public Builder optValidationFraction(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("validation fraction " + fraction + " outside [0, 1)");
            }
            this.validationFraction = fraction;
            return this;
        }

        /**
         * Sets the group sizes before the validation split, in group order (even clean, even
         * zigzag, odd clean, odd zigzag).
         *
         * @param sizes four positive sizes; default 19,800 / 200 / 200 / 19,800
         * @return this builder
         */
        public Builder optGroupSizes(long[] sizes) {
            if (sizes.length != 4) {
                throw new IllegalArgumentException("MNIST-Correlation has 4 groups, got " + sizes.length + " sizes");
            }
            for (long s : sizes) {
                if (s < 1) {
                    throw new IllegalArgumentException("group size " + s + " must be positive: " + Arrays.toString(sizes));
                }
            }
            this.groupSizes = sizes.clone();
            return this;
        }

        /**
         * Builds the generator.
         *
         * @return the immutable generator
         */
        public MnistCorrelation build() {
            return new MnistCorrelation(this);
        }
    }
}
