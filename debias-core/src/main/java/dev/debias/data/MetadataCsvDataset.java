package dev.debias.data;

import ai.djl.ndarray.types.Shape;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an image dataset described by a metadata CSV in the style of the Group DRO releases
 * (Sagawa et al., ICLR 2020), e.g. Waterbirds' {@code metadata.csv} with the columns {@code
 * img_id,img_filename,y,split,place,place_filename}.
 *
 * <p>The header names the columns; four of them are read: the image file (relative to the image
 * root, by default the CSV's folder), the class label, the bias attribute and the split ({@code
 * 0} train, {@code 1} validation, {@code 2} test). Every referenced image is decoded once into one
 * uint8 CHW array per split; images must share one size unless a target size is set, in which
 * case each is resized bilinearly. The number of classes and attribute values default to {@code
 * max + 1} over all rows, and the aligned attribute of a class is its most frequent attribute in
 * the training split.
 *
 * <p>Fields are comma-separated and may be quoted with {@code "} (a doubled {@code ""} inside
 * quotes is a quote); a quoted field cannot span lines. A bad row (too few fields, a non-integer
 * or out-of-range value, a missing image file) fails the whole read with an exception naming the
 * CSV file and the row.
 */
public final class MetadataCsvDataset {

    /** The split code of training rows. */
    public static final int TRAIN = 0;

    /** The split code of validation rows. */
    public static final int VALIDATION = 1;

    /** The split code of test rows. */
    public static final int TEST = 2;

    private final Path csvFile;
    private final Path imageRoot;
    private final String fileColumn;
    private final String labelColumn;
    private final String attributeColumn;
    private final String splitColumn;
    private final int[] targetSize;
    private final int numClasses;
    private final int numAttributes;
    private final int batchSize;

    private MetadataCsvDataset(Builder builder) {
        this.csvFile = builder.csvFile;
        this.imageRoot = builder.imageRoot != null ? builder.imageRoot : parentOf(builder.csvFile);
        this.fileColumn = builder.fileColumn;
        this.labelColumn = builder.labelColumn;
        this.attributeColumn = builder.attributeColumn;
        this.splitColumn = builder.splitColumn;
        this.targetSize = builder.targetSize;
        this.numClasses = builder.numClasses;
        this.numAttributes = builder.numAttributes;
        this.batchSize = builder.batchSize();
    }

    private static Path parentOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent != null ? parent : file.toAbsolutePath();
    }

    /**
     * Returns a builder with Waterbirds' column names ({@code img_filename}, {@code y}, {@code
     * place}, {@code split}).
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** One parsed row. */
    private static final class Row {
        final int number;
        final Path image;
        final int label;
        final int attribute;
        final int split;

        Row(int number, Path image, int label, int attribute, int split) {
            this.number = number;
            this.image = image;
            this.label = label;
            this.attribute = attribute;
            this.split = split;
        }
    }

    /**
     * Reads the CSV and decodes every image it references.
     *
     * @return the training split and, if the CSV has such rows, the validation and test splits
     * @throws IOException if the CSV or an image is malformed or missing; the message names the
     *     file and the row
     */
    public GroupedSplits load() throws IOException {
        List<Row> rows = parse();
        int k = numClasses > 0 ? numClasses : 1 + rows.stream().mapToInt(r -> r.label).max().orElse(0);
        int a =
                numAttributes > 0
                        ? numAttributes
                        : 1 + rows.stream().mapToInt(r -> r.attribute).max().orElse(0);
        List<List<Row>> splits = new ArrayList<>();
        for (int s = TRAIN; s <= TEST; s++) {
            List<Row> part = new ArrayList<>();
            for (Row row : rows) {
                if (row.split == s) {
                    part.add(row);
                }
            }
            splits.add(part);
        }
        List<Row> trainRows = splits.get(TRAIN);
        if (trainRows.isEmpty()) {
            throw new IOException(csvFile + ": no row with " + splitColumn + " = " + TRAIN);
        }
        GroupSpec spec =
                GroupSpec.fromLabels(
                        k,
                        a,
                        trainRows.stream().mapToInt(r -> r.label).toArray(),
                        trainRows.stream().mapToInt(r -> r.attribute).toArray());

        GroupedArrayDataset[] datasets = new GroupedArrayDataset[3];
        Shape shape = null;
        try {
            for (int s = TRAIN; s <= TEST; s++) {
                List<Row> part = splits.get(s);
                if (part.isEmpty()) {
                    continue;
                }
                List<Path> files = new ArrayList<>(part.size());
                for (Row row : part) {
                    files.add(row.image);
                }
                ImageCodec.Decoded images =
                        ImageCodec.decodeAll(
                                files,
                                shape,
                                targetSize,
                                i -> where(part.get(i).number) + ": image " + part.get(i).image);
                shape = images.shape();
                datasets[s] =
                        GroupedArrayDataset.builder()
                                .setImages(images.pixels(), shape)
                                .setLabels(part.stream().mapToInt(r -> r.label).toArray())
                                .optAttributes(part.stream().mapToInt(r -> r.attribute).toArray())
                                .optGroupSpec(spec)
                                .setSampling(batchSize, s == TRAIN)
                                .build();
            }
        } catch (IOException | RuntimeException e) {
            for (GroupedArrayDataset d : datasets) {
                if (d != null) {
                    d.close();
                }
            }
            throw e;
        }
        return new GroupedSplits(datasets[TRAIN], datasets[VALIDATION], datasets[TEST]);
    }

    private List<Row> parse() throws IOException {
        if (!Files.isRegularFile(csvFile)) {
            throw new NoSuchFileException(csvFile.toString(), null, "metadata CSV not found");
        }
        List<Row> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(csvFile, StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            if (header == null) {
                throw new IOException(csvFile + ": empty file, expected a header row");
            }
            List<String> names = splitLine(stripBom(header), 1);
            int fileIndex = column(names, fileColumn);
            int labelIndex = column(names, labelColumn);
            int attributeIndex = column(names, attributeColumn);
            int splitIndex = column(names, splitColumn);
            int needed = 1 + Math.max(Math.max(fileIndex, labelIndex), Math.max(attributeIndex, splitIndex));
            int rowNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                rowNumber++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> fields = splitLine(line, rowNumber);
                if (fields.size() < needed) {
                    throw new IOException(
                            where(rowNumber)
                                    + ": "
                                    + fields.size()
                                    + " field(s), the header needs "
                                    + needed
                                    + " to reach every column read");
                }
                String name = fields.get(fileIndex).trim();
                if (name.isEmpty()) {
                    throw new IOException(where(rowNumber) + ": empty " + fileColumn);
                }
                Path image = imageRoot.resolve(name);
                int label = integer(fields.get(labelIndex), labelColumn, rowNumber, numClasses);
                int attribute =
                        integer(fields.get(attributeIndex), attributeColumn, rowNumber, numAttributes);
                int split = integer(fields.get(splitIndex), splitColumn, rowNumber, TEST + 1);
                if (!Files.isRegularFile(image)) {
                    throw new IOException(where(rowNumber) + ": image file " + image + " not found");
                }
                rows.add(new Row(rowNumber, image, label, attribute, split));
            }
        }
        return rows;
    }

    private String where(int rowNumber) {
        return csvFile + ", row " + rowNumber + " (line " + (rowNumber + 1) + ")";
    }

    private static String stripBom(String header) {
        return header.startsWith("\uFEFF") ? header.substring(1) : header;
    }

    private int column(List<String> names, String name) throws IOException {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).trim().equals(name)) {
                return i;
            }
        }
        throw new IOException(csvFile + ": header has no column '" + name + "' (columns: " + names + ")");
    }

    /** Parses a non-negative integer below {@code bound} (no bound if {@code bound <= 0}). */
    private int integer(String field, String column, int rowNumber, int bound) throws IOException {
        String text = field.trim();
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IOException(
                    where(rowNumber) + ": " + column + " '" + text + "' is not an integer", e);
        }
        if (value < 0 || (bound > 0 && value >= bound)) {
            throw new IOException(
                    where(rowNumber)
                            + ": "
                            + column
                            + " "
                            + value
                            + " out of range [0, "
                            + (bound > 0 ? Integer.toString(bound) : "inf")
                            + ")");
        }
        return value;
    }

    /** Splits one CSV line, honouring double quotes. */
    private List<String> splitLine(String line, int rowNumber) throws IOException {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(ch);
            }
        }
        if (quoted) {
            throw new IOException(where(rowNumber) + ": unterminated quoted field");
        }
        fields.add(field.toString());
        return fields;
    }

    /** Configures a {@link MetadataCsvDataset}. */
    public static final class Builder extends SplitsBuilder<Builder> {

        private Path csvFile;
        private Path imageRoot;
        private String fileColumn = "img_filename";
        private String labelColumn = "y";
        private String attributeColumn = "place";
        private String splitColumn = "split";
        private int[] targetSize;
        private int numClasses;
        private int numAttributes;

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the metadata CSV.
         *
         * @param file the CSV file
         * @return this builder
         */
        public Builder setCsvFile(Path file) {
            this.csvFile = file;
            return this;
        }

        /**
         * Sets the folder the image file names are relative to.
         *
         * @param dir the folder; default the CSV's folder
         * @return this builder
         */
        public Builder optImageRoot(Path dir) {
            this.imageRoot = dir;
            return this;
        }

        /**
         * Sets the column of the image file name.
         *
         * @param name the column name; default {@code img_filename}
         * @return this builder
         */
        public Builder optFileColumn(String name) {
            this.fileColumn = name;
            return this;
        }

        /**
         * Sets the column of the class label.
         *
         * @param name the column name; default {@code y}
         * @return this builder
         */
        public Builder optLabelColumn(String name) {
            this.labelColumn = name;
            return this;
        }

        /**
         * Sets the column of the bias attribute.
         *
         * @param name the column name; default {@code place}
         * @return this builder
         */
        public Builder optAttributeColumn(String name) {
            this.attributeColumn = name;
            return this;
        }

        /**
         * Sets the column of the split code (0 train, 1 validation, 2 test).
         *
         * @param name the column name; default {@code split}
         * @return this builder
         */
        public Builder optSplitColumn(String name) {
            this.splitColumn = name;
            return this;
        }

        /**
         * Resizes every image bilinearly to this size (half-pixel centres, no antialiasing).
         * Without it all images must have the same size.
         *
         * @param height the target height
         * @param width the target width
         * @return this builder
         */
        public Builder optTargetSize(int height, int width) {
            if (height < 1 || width < 1) {
                throw new IllegalArgumentException(
                        "target size " + height + " x " + width + " must be positive");
            }
            this.targetSize = new int[] {height, width};
            return this;
        }

        /**
         * Sets the number of classes; labels must lie below it.
         *
         * @param count the number of classes; default {@code max(label) + 1}
         * @return this builder
         */
        public Builder optNumClasses(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("numClasses must be positive, got " + count);
            }
            this.numClasses = count;
            return this;
        }

        /**
         * Sets the number of attribute values; attributes must lie below it.
         *
         * @param count the number of attribute values; default {@code max(attribute) + 1}
         * @return this builder
         */
        public Builder optNumAttributes(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("numAttributes must be positive, got " + count);
            }
            this.numAttributes = count;
            return this;
        }

        /**
         * Builds the reader.
         *
         * @return the reader
         * @throws IllegalArgumentException if no CSV file is set
         */
        public MetadataCsvDataset build() {
            if (csvFile == null) {
                throw new IllegalArgumentException("the metadata CSV is required (setCsvFile)");
            }
            return new MetadataCsvDataset(this);
        }
    }
}
