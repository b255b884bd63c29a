package dev.debias.augment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.debias.data.GroupSpec;
import dev.debias.data.GroupedArrayDataset;
import dev.debias.data.GroupedDataset;
import dev.debias.ndarray.Scalars;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * CAMEL's stage-2 training set (Goel et al., "Model Patching", ICLR 2021; ALGORITHMS.md §5.6 and
 * §6.3): every image stored with its two subgroup translations, computed once, so that a sample's
 * three views stay aligned however the samples are shuffled. A batch's data list is {@code [x,
 * toward0, toward1]}: the originals, the images rendered in the first attribute of their class's
 * pair, and in the second (for an image of the first attribute, the first view is the generator's
 * near-identity reconstruction, as CAMEL's {@code F(x)} is for images of {@code X}). Labels and
 * groups are the originals'; features (used by evaluation) are the originals.
 *
 * <p>Translations are stored as uint8, {@code floor(255 v)} of the translator's output {@code v}
 * in [0, 1] (the reference's cast of {@code 255 (out / 2 + 1/2)}), and served with the original
 * dataset's scale. They are computed group by group in chunks of a fixed size, since a CycleGAN
 * generator in training mode normalises with the statistics of its batch (the reference's
 * augmentation batch: 128 on MNIST, 16 on CelebA, 4 on Waterbirds).
 */
public final class TripletDataset extends GroupedDataset {

    private final GroupedArrayDataset original;
    private final GroupedArrayDataset toward0;
    private final GroupedArrayDataset toward1;
    private final int[][] pairs;

    private TripletDataset(Builder builder, GroupedArrayDataset original, byte[][] views, int[][] pairs) {
        super(builder, original.groupSpec(), original.labels(), original.attributes());
        this.original = original;
        this.toward0 = copyWith(original, views[0]);
        this.toward1 = copyWith(original, views[1]);
        this.pairs = pairs;
    }

    private static GroupedArrayDataset copyWith(GroupedArrayDataset original, byte[] pixels) {
        return GroupedArrayDataset.builder()
                .setImages(pixels, original.sampleShape())
                .optScale(original.scale())
                .setLabels(original.labels())
                .optAttributes(original.attributes())
                .optGroupSpec(original.groupSpec())
                .setSampling(1, false)
                .build();
    }

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the attribute pair of a class: the two attributes its training images take.
     *
     * @param label the class
     * @return {@code {a0, a1}}
     */
    public int[] pair(int label) {
        return pairs[label].clone();
    }

    /**
     * Returns the dataset of the originals.
     *
     * @return the originals
     */
    public GroupedArrayDataset originals() {
        return original;
    }

    /**
     * Returns the stored translations toward one attribute of each class's pair, as a dataset
     * with the originals' labels.
     *
     * @param view 0 or 1
     * @return the translated images
     */
    public GroupedArrayDataset view(int view) {
        return switch (view) {
            case 0 -> toward0;
            case 1 -> toward1;
            default -> throw new IllegalArgumentException("a triplet has views 0 and 1, not " + view);
        };
    }

    /** {@inheritDoc} */
    @Override
    public NDArray features(NDManager manager, long[] indices) {
        return original.features(manager, indices);
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code [x, toward0, toward1]}, each {@code [B, C, H, W]}
     */
    @Override
    protected NDList data(NDManager manager, long[] indices) {
        return new NDList(
                original.features(manager, indices),
                toward0.features(manager, indices),
                toward1.features(manager, indices));
    }

    /** Releases the native copies of the three views. */
    @Override
    public void close() {
        toward0.close();
        toward1.close();
    }

    /** Builds a {@link TripletDataset} by translating every image once. */
    public static final class Builder extends BaseBuilder<Builder> {

        private GroupedArrayDataset dataset;
        private SubgroupTranslator translator;
        private int translationBatchSize = 128;

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the originals: uint8 images with a known attribute for every sample, and exactly
         * two attributes in every class.
         *
         * @param value the dataset
         * @return this builder
         */
        public Builder setDataset(GroupedArrayDataset value) {
            this.dataset = Objects.requireNonNull(value, "dataset");
            return this;
        }

        /**
         * Sets the translator.
         *
         * @param value the translator
         * @return this builder
         */
        public Builder setTranslator(SubgroupTranslator value) {
            this.translator = Objects.requireNonNull(value, "translator");
            return this;
        }

        /**
         * Sets how many images of a group are translated in one call (default 128, the
         * reference's on MNIST).
         *
         * @param size the chunk size, positive
         * @return this builder
         */
        public Builder optTranslationBatchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("translation batch size must be positive, got " + size);
            }
            this.translationBatchSize = size;
            return this;
        }

        /**
         * Translates every image toward both attributes of its class's pair and builds the
         * dataset.
         *
         * @param manager the manager the translations are computed on (its device)
         * @return the dataset
         * @throws IllegalArgumentException if an image has no attribute, a class does not have
         *     exactly two attributes, the images are not uint8, or the translator does not support
         *     a pair (each named)
         */
        public TripletDataset build(NDManager manager) {
            if (dataset == null || translator == null) {
                throw new IllegalStateException("a triplet dataset needs a dataset and a translator");
            }
            if (dataset.rawBytes() == null) {
                throw new IllegalArgumentException("CAMEL's triplets need uint8 images, the dataset holds float features");
            }
            if (sampler == null) {
                setSampling(256, false);
            }
            int[][] pairs = pairs(dataset);
            byte[][] views = {new byte[dataset.rawBytes().length], new byte[dataset.rawBytes().length]};
            GroupSpec spec = dataset.groupSpec();
            int[] groups = dataset.groups();
            for (int g = 0; g < spec.numGroups(); g++) {
                List<Long> members = new ArrayList<>();
                for (int i = 0; i < groups.length; i++) {
                    if (groups[i] == g) {
                        members.add((long) i);
                    }
                }
                for (int from = 0; from < members.size(); from += translationBatchSize) {
                    List<Long> chunk = members.subList(from, Math.min(members.size(), from + translationBatchSize));
                    translateChunk(manager, chunk, spec.classOf(g), pairs[spec.classOf(g)], views);
                }
            }
            return new TripletDataset(this, dataset, views, pairs);
        }

        private void translateChunk(NDManager parent, List<Long> chunk, int label, int[] pair, byte[][] views) {
            long[] indices = chunk.stream().mapToLong(Long::longValue).toArray();
            int perImage = Math.toIntExact(dataset.sampleShape().size());
            try (NDManager scope = parent.newSubManager()) {
                NDArray x = Scalars.mul(dataset.features(scope, indices), 1f / 255 / dataset.scale());
                for (int view = 0; view < 2; view++) {
                    int to = pair[view];
                    int from = pair[1 - view];
                    NDArray out = translator.translate(x, label, from, to);
                    Shape expected = x.getShape();
                    if (!out.getShape().equals(expected)) {
                        throw new IllegalArgumentException(
                                "the translator returned " + out.getShape() + " for images " + expected);
                    }
                    float[] values = out.toFloatArray();
                    for (int k = 0; k < indices.length; k++) {
                        int base = Math.toIntExact(indices[k]) * perImage;
                        for (int p = 0; p < perImage; p++) {
                            float v = (float) Math.floor(255f * values[k * perImage + p]);
                            views[view][base + p] = (byte) Math.max(0, Math.min(255, (int) v));
                        }
                    }
                }
            }
        }

        private int[][] pairs(GroupedArrayDataset data) {
            GroupSpec spec = data.groupSpec();
            List<TreeSet<Integer>> present = new ArrayList<>();
            for (int c = 0; c < spec.numClasses(); c++) {
                present.add(new TreeSet<>());
            }
            int[] labels = data.labels();
            int[] attributes = data.attributes();
            for (int i = 0; i < labels.length; i++) {
                if (attributes[i] < 0) {
                    throw new IllegalArgumentException("sample " + i + " has no bias attribute; CAMEL needs one for every image");
                }
                present.get(labels[i]).add(attributes[i]);
            }
            int[][] pairs = new int[spec.numClasses()][];
            for (int c = 0; c < spec.numClasses(); c++) {
                TreeSet<Integer> attrs = present.get(c);
                if (attrs.isEmpty()) {
                    continue;
                }
                if (attrs.size() != 2) {
                    throw new IllegalArgumentException(
                            "class " + spec.classNames().get(c) + " has images of " + attrs.size() + " attributes "
                                    + attrs + "; CAMEL translates between exactly two subgroups of a class");
                }
                pairs[c] = new int[] {attrs.first(), attrs.last()};
                for (int view = 0; view < 2; view++) {
                    if (!translator.supports(c, pairs[c][1 - view], pairs[c][view])) {
                        throw new IllegalArgumentException(
                                "the translator does not map class " + spec.classNames().get(c) + " from "
                                        + spec.attributeNames().get(pairs[c][1 - view]) + " to "
                                        + spec.attributeNames().get(pairs[c][view]));
                    }
                }
            }
            return pairs;
        }
    }
}
