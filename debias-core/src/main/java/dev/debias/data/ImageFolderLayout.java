package dev.debias.data;

import ai.djl.ndarray.types.Shape;

import dev.debias.io.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Reads and writes the image-folder layout of the DisEnt (Lee et al., NeurIPS 2021) and DCWP
 * (Park et al., CVPR 2023) dataset releases:
 *
 * <pre>
 * &lt;root&gt;/align/&lt;class&gt;/&lt;name&gt;_&lt;y&gt;_&lt;a&gt;.png      bias-aligned training images
 * &lt;root&gt;/conflict/&lt;class&gt;/&lt;name&gt;_&lt;y&gt;_&lt;a&gt;.png   bias-conflicting training images
 * valid/...                                       validation images, searched recursively
 * test/...                                        test images, searched recursively
 * </pre>
 *
 * <p>{@code valid/} and {@code test/} are looked for first inside {@code <root>} and then beside
 * it ({@code <root>/../valid}, {@code <root>/../test}), because the releases share one test folder
 * between the {@code 0.5pct/ 1pct/ 2pct/ 5pct/} roots of a dataset; either may be absent, and both
 * can be set explicitly.
 *
 * <p>Labels come from the file name: without its extension, split on {@code _}, the last field is
 * the bias attribute and the one before it the class. The training set is the align files then
 * the conflict files, each sorted by relative path; a sample's index is its position. Every image
 * is decoded once into one uint8 CHW array; all images must share size and channel count. The
 * number of classes is {@code max(y) + 1} over the training set, the number of attribute values
 * {@code max(a) + 1} over all splits; the aligned attribute of a class is the most frequent one
 * among its align files.
 */
public final class ImageFolderLayout {

    private static final org.slf4j.Logger LOGGER = org.slf4j.LoggerFactory.getLogger(ImageFolderLayout.class);

    /** The file that marks a folder layout Debias wrote (and may replace). */
    public static final String MARKER = ".debias-dataset";


    /** The folder of the bias-aligned training images. */
    public static final String ALIGN = "align";

    /** The folder of the bias-conflicting training images. */
    public static final String CONFLICT = "conflict";

    /** The folder of the validation images. */
    public static final String VALID = "valid";

    /** The folder of the test images. */
    public static final String TEST = "test";

    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp");

    private final Path validationDirectory;
    private final Path testDirectory;
    private final int batchSize;

    private ImageFolderLayout(Builder builder) {
        this.validationDirectory = builder.validationDirectory;
        this.testDirectory = builder.testDirectory;
        this.batchSize = builder.batchSize();
    }

    /**
     * Returns a builder of a reader.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a dataset with the default settings.
     *
     * @param root the folder holding {@code align/} and {@code conflict/}
     * @return the training split and, where found, the validation and test splits
     * @throws IOException if a folder is missing, a name cannot be parsed or an image cannot be
     *     decoded; the message names the file
     */
    public static GroupedSplits load(Path root) throws IOException {
        return builder().build().read(root);
    }

    /**
     * Reads a dataset.
     *
     * @param root the folder holding {@code align/} and {@code conflict/}
     * @return the training split and, where found, the validation and test splits
     * @throws IOException if a folder is missing, a name cannot be parsed or an image cannot be
     *     decoded; the message names the file
     */
    public GroupedSplits read(Path root) throws IOException {
        Path align = requireDirectory(root.resolve(ALIGN));
        Path conflict = requireDirectory(root.resolve(CONFLICT));
        List<Path> alignFiles = listImages(align);
        List<Path> trainFiles = new ArrayList<>(alignFiles);
        trainFiles.addAll(listImages(conflict));
        if (trainFiles.isEmpty()) {
            throw new IOException(root + ": no images under " + ALIGN + "/ or " + CONFLICT + "/");
        }
        Path valid = validationDirectory != null ? validationDirectory : locate(root, VALID);
        Path test = testDirectory != null ? testDirectory : locate(root, TEST);
        List<Path> validFiles = valid != null ? listImages(requireDirectory(valid)) : List.of();
        List<Path> testFiles = test != null ? listImages(requireDirectory(test)) : List.of();

        int[][] trainLabels = parseAll(trainFiles);
        int[][] validLabels = parseAll(validFiles);
        int[][] testLabels = parseAll(testFiles);
        int numClasses = 1 + IntStream.of(trainLabels[0]).max().orElse(0);
        int numAttributes =
                1
                        + Stream.of(trainLabels[1], validLabels[1], testLabels[1])
                                .flatMapToInt(IntStream::of)
                                .max()
                                .orElse(0);
        checkClasses(validFiles, validLabels[0], numClasses);
        checkClasses(testFiles, testLabels[0], numClasses);
        warnAboutGaps(root, trainLabels[0], numClasses, alignFiles.size());

        GroupSpec spec = groupSpec(numClasses, numAttributes, trainLabels, alignFiles.size());
        ImageCodec.Decoded trainImages =
                ImageCodec.decodeAll(trainFiles, null, null, i -> trainFiles.get(i).toString());
        Shape shape = trainImages.shape();
        GroupedArrayDataset train = dataset(trainImages.pixels(), shape, trainLabels, spec, true);
        GroupedArrayDataset validation = null;
        GroupedArrayDataset testSet = null;
        try {
            if (!validFiles.isEmpty()) {
                byte[] pixels =
                        ImageCodec.decodeAll(
                                        validFiles, shape, null, i -> validFiles.get(i).toString())
                                .pixels();
                validation = dataset(pixels, shape, validLabels, spec, false);
            }
            if (!testFiles.isEmpty()) {
                byte[] pixels =
                        ImageCodec.decodeAll(testFiles, shape, null, i -> testFiles.get(i).toString())
                                .pixels();
                testSet = dataset(pixels, shape, testLabels, spec, false);
            }
        } catch (IOException | RuntimeException e) {
            train.close();
            if (validation != null) {
                validation.close();
            }
            throw e;
        }
        return new GroupedSplits(train, validation, testSet);
    }

    /**
     * Returns the spec: aligned attribute of a class = its most frequent attribute among the align
     * files (the first {@code alignCount} training samples), counts over the whole training set.
     */
    private static GroupSpec groupSpec(
            int numClasses, int numAttributes, int[][] trainLabels, int alignCount) {
        GroupSpec aligned =
                GroupSpec.fromLabels(
                        numClasses,
                        numAttributes,
                        Arrays.copyOf(trainLabels[0], alignCount),
                        Arrays.copyOf(trainLabels[1], alignCount));
        long[] counts = new long[numClasses * numAttributes];
        for (int i = 0; i < trainLabels[0].length; i++) {
            counts[trainLabels[0][i] * numAttributes + trainLabels[1][i]]++;
        }
        return aligned.withGroupCounts(counts);
    }

    private GroupedArrayDataset dataset(
            byte[] pixels, Shape shape, int[][] labels, GroupSpec spec, boolean shuffle) {
        return GroupedArrayDataset.builder()
                .setImages(pixels, shape)
                .setLabels(labels[0])
                .optAttributes(labels[1])
                .optGroupSpec(spec)
                .setSampling(batchSize, shuffle)
                .build();
    }

    /**
     * Writes splits in this layout under {@code root}, atomically: the training images into
     * {@code align/<y>/} or {@code conflict/<y>/} depending on whether their group is aligned
     * under the spec, the validation and test images into {@code valid/<y>/} and {@code
     * test/<y>/} inside {@code root}. Files are named {@code <index>_<y>_<a>.png}, the index
     * being the sample's index in its split. An existing {@code root} is replaced only once the
     * new content is complete.
     *
     * @param root the target folder
     * @param splits the splits, with uint8 images of shape {@code (1 or 3, H, W)} and known
     *     attributes
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if a split holds float features, another sample shape or
     *     an unknown attribute
     */
    public static void write(Path root, GroupedSplits splits) throws IOException {
        checkTarget(root);
        checkWritable(splits.train(), "training");
        splits.validation().ifPresent(d -> checkWritable(d, "validation"));
        splits.test().ifPresent(d -> checkWritable(d, "test"));
        AtomicFiles.writeDirectory(
                root,
                tmp -> {
                    Files.writeString(tmp.resolve(MARKER), "written by Debias\n");
                    GroupedArrayDataset train = splits.train();
                    GroupSpec spec = train.groupSpec();
                    int[] groups = train.groups();
                    writeImages(
                            train,
                            i -> tmp.resolve(spec.isAligned(groups[i]) ? ALIGN : CONFLICT));
                    if (splits.validation().isPresent()) {
                        writeImages(splits.validation().get(), i -> tmp.resolve(VALID));
                    }
                    if (splits.test().isPresent()) {
                        writeImages(splits.test().get(), i -> tmp.resolve(TEST));
                    }
                });
    }

    /**
     * Refuses to replace anything but an empty folder or a dataset Debias wrote (it holds {@value
     * #MARKER}), and removes the temporary trees an interrupted write left beside it.
     */
    private static void checkTarget(Path root) throws IOException {
        if (Files.exists(root)) {
            if (!Files.isDirectory(root)) {
                throw new IllegalArgumentException(root + " is a file; the dataset needs an absent or empty folder");
            }
            boolean empty;
            try (var entries = Files.list(root)) {
                empty = entries.findAny().isEmpty();
            }
            if (!empty && !Files.isRegularFile(root.resolve(MARKER))) {
                throw new IllegalArgumentException(
                        root + " holds files that Debias did not write; give an absent or empty folder, or an earlier"
                                + " dataset written by Debias (it holds " + MARKER + ")");
            }
        }
        Path parent = root.toAbsolutePath().getParent();
        if (parent != null && Files.isDirectory(parent)) {
            String prefix = "." + root.getFileName() + ".";
            try (var siblings = Files.list(parent)) {
                for (Path leftover : (Iterable<Path>) siblings::iterator) {
                    if (leftover.getFileName().toString().startsWith(prefix)
                            && Files.isRegularFile(leftover.resolve(MARKER))) {
                        AtomicFiles.deleteRecursively(leftover);
                    }
                }
            }
        }
    }

    private static void checkWritable(GroupedArrayDataset dataset, String split) {
        if (dataset.rawBytes() == null) {
            throw new IllegalArgumentException(
                    "the " + split + " split holds float features; only uint8 images can be written");
        }
        Shape shape = dataset.sampleShape();
        if (shape.dimension() != 3 || (shape.get(0) != 1 && shape.get(0) != 3)) {
            throw new IllegalArgumentException(
                    "the " + split + " split has sample shape " + shape + ", expected (1 or 3, H, W)");
        }
        int[] attributes = dataset.attributes();
        for (int i = 0; i < attributes.length; i++) {
            if (attributes[i] < 0) {
                throw new IllegalArgumentException(
                        "sample " + i + " of the " + split + " split has no bias attribute to name");
            }
        }
    }

    private static void writeImages(
            GroupedArrayDataset dataset, IntFunction<Path> folder)
            throws IOException {
        int[] labels = dataset.labels();
        int[] attributes = dataset.attributes();
        byte[] pixels = dataset.rawBytes();
        Shape shape = dataset.sampleShape();
        int size = Math.toIntExact(shape.size());
        Set<Path> folders = new HashSet<>();
        for (int i = 0; i < labels.length; i++) {
            folders.add(folder.apply(i).resolve(Integer.toString(labels[i])));
        }
        for (Path dir : folders) {
            Files.createDirectories(dir);
        }
        try {
            IntStream.range(0, labels.length)
                    .parallel()
                    .forEach(
                            i -> {
                                String name = i + "_" + labels[i] + "_" + attributes[i] + ".png";
                                Path file =
                                        folder.apply(i)
                                                .resolve(Integer.toString(labels[i]))
                                                .resolve(name);
                                try {
                                    ImageCodec.writePng(file, pixels, i * size, shape);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Parses the class and bias labels from a file name {@code ..._<y>_<a>.<ext>}.
     *
     * @param file the file
     * @return {@code {y, a}}
     * @throws IOException if the stem has fewer than three {@code _}-separated fields or the last
     *     two are not non-negative integers; the message names the file
     */
    public static int[] parseLabels(Path file) throws IOException {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String[] fields = stem.split("_", -1);
        if (fields.length < 3) {
            throw new IOException(
                    file
                            + ": file name stem '"
                            + stem
                            + "' has "
                            + fields.length
                            + " '_'-separated field(s), expected at least 3 (..._<class>_<bias>)");
        }
        return new int[] {
            parseField(file, fields[fields.length - 2], "class label"),
            parseField(file, fields[fields.length - 1], "bias label")
        };
    }

    private static int parseField(Path file, String field, String what) throws IOException {
        try {
            int value = Integer.parseInt(field);
            if (value < 0) {
                throw new IOException(file + ": negative " + what + " " + value + " in file name");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IOException(
                    file + ": " + what + " '" + field + "' in the file name is not an integer", e);
        }
    }

    private static int[][] parseAll(List<Path> files) throws IOException {
        int[] y = new int[files.size()];
        int[] a = new int[files.size()];
        for (int i = 0; i < y.length; i++) {
            int[] labels = parseLabels(files.get(i));
            y[i] = labels[0];
            a[i] = labels[1];
        }
        return new int[][] {y, a};
    }

    /** Says when the training labels leave classes empty or when align/ holds no image. */
    private static void warnAboutGaps(Path root, int[] labels, int numClasses, int alignCount) {
        boolean[] seen = new boolean[numClasses];
        for (int label : labels) {
            seen[label] = true;
        }
        List<Integer> empty = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            if (!seen[c]) {
                empty.add(c);
            }
        }
        if (!empty.isEmpty()) {
            LOGGER.warn(
                    "{}: the training labels go up to {} but classes {} have no training image (labels are 0-based)",
                    root, numClasses - 1, empty.size() > 20 ? empty.subList(0, 20) + "..." : empty);
        }
        if (alignCount == 0) {
            LOGGER.warn("{}: align/ holds no image, so no group is bias-aligned and aligned accuracy is undefined", root);
        }
    }

    private static void checkClasses(List<Path> files, int[] labels, int numClasses)
            throws IOException {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= numClasses) {
                throw new IOException(
                        files.get(i)
                                + ": class label "
                                + labels[i]
                                + " does not occur in the training set (classes 0.."
                                + (numClasses - 1)
                                + ")");
            }
        }
    }

    private static Path requireDirectory(Path dir) throws NoSuchFileException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "missing folder of the image layout");
        }
        return dir;
    }

    private static Path locate(Path root, String name) {
        Path inside = root.resolve(name);
        if (Files.isDirectory(inside)) {
            return inside;
        }
        Path parent = root.toAbsolutePath().normalize().getParent();
        if (parent != null && Files.isDirectory(parent.resolve(name))) {
            return parent.resolve(name);
        }
        return null;
    }

    /** Lists the image files under a folder, recursively, sorted by relative path. */
    private static List<Path> listImages(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !isHidden(dir, p))
                    .filter(ImageFolderLayout::hasImageExtension)
                    .sorted(Comparator.comparing(p -> relativeName(dir, p)))
                    .collect(Collectors.toList());
        }
    }

    private static boolean isHidden(Path dir, Path file) {
        for (Path part : dir.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasImageExtension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String relativeName(Path dir, Path file) {
        StringBuilder name = new StringBuilder();
        for (Path part : dir.relativize(file)) {
            if (name.length() > 0) {
                name.append('/');
            }
            name.append(part);
        }
        return name.toString();
    }

    /** Configures an {@link ImageFolderLayout} reader. */
    public static final class Builder extends SplitsBuilder<Builder> {

        private Path validationDirectory;
        private Path testDirectory;

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the validation folder instead of looking for {@code valid/} inside and beside the
         * root.
         *
         * @param dir the folder, searched recursively
         * @return this builder
         */
        public Builder optValidationDirectory(Path dir) {
            this.validationDirectory = dir;
            return this;
        }

        /**
         * Sets the test folder instead of looking for {@code test/} inside and beside the root.
         *
         * @param dir the folder, searched recursively
         * @return this builder
         */
        public Builder optTestDirectory(Path dir) {
            this.testDirectory = dir;
            return this;
        }

        /**
         * Builds the reader.
         *
         * @return the reader
         */
        public ImageFolderLayout build() {
            return new ImageFolderLayout(this);
        }
    }
}
