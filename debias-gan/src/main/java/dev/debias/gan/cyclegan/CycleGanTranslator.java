package dev.debias.gan.cyclegan;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;

import dev.debias.augment.SubgroupTranslator;
import dev.debias.io.AtomicFiles;
import dev.debias.ndarray.Scalars;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link SubgroupTranslator} made of trained CycleGAN generators (CAMEL's stage 1; Goel et al.,
 * "Model Patching", ICLR 2021): one pair of generators per class and pair of subgroups, or one
 * class-agnostic pair ({@link CycleGanTrainer#ALL_CLASSES}, MNIST-Correlation). Images in [0, 1]
 * are scaled to [-1, 1], passed through the generator and scaled back.
 *
 * <p>By default the generators translate in training mode, as in every stage-2 configuration of
 * the reference ({@code run_in_eval_mode = False}): BatchNorm normalises with the statistics of
 * the images being translated and dropout is active. {@link #save(Path)} writes every generator in
 * DJL's format with a {@code translators.json} index, and {@link #load(Path, Device)} reads them
 * back.
 */
public final class CycleGanTranslator implements SubgroupTranslator, AutoCloseable {

    /** The index file {@link #save(Path)} writes. */
    public static final String INDEX = "translators.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    private final List<Pair> pairs;
    private final boolean evalMode;
    private final List<Model> owned;

    private CycleGanTranslator(Builder b, List<Model> owned) {
        this.pairs = List.copyOf(b.pairs);
        this.evalMode = b.evalMode;
        this.owned = owned;
    }

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public boolean supports(int label, int from, int to) {
        return find(label, from, to) != null;
    }

    private Block find(int label, int from, int to) {
        for (Pair p : pairs) {
            if (p.label == CycleGanTrainer.ALL_CLASSES || p.label == label) {
                if (p.from == from && p.to == to) {
                    return p.forward;
                }
                if (p.from == to && p.to == from) {
                    return p.backward;
                }
            }
        }
        return null;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray translate(NDArray images, int label, int from, int to) {
        Block generator = find(label, from, to);
        if (generator == null) {
            throw new IllegalArgumentException(
                    "no CycleGAN was trained for class " + label + " from subgroup " + from + " to " + to + "; trained: " + pairs);
        }
        Shape shape = images.getShape();
        Shape expected = pairs.get(0).imageShape;
        for (Pair p : pairs) {
            if (p.forward == generator || p.backward == generator) {
                expected = p.imageShape;
            }
        }
        if (shape.dimension() != 4 || !shape.slice(1).equals(expected)) {
            throw new IllegalArgumentException(
                    "the generator of class " + label + " takes images [B, " + expected + "], got " + shape);
        }
        ParameterStore store = new ParameterStore(images.getManager(), false);
        NDArray scaled = Scalars.mul(images, 2f).sub(1f);
        boolean single = !evalMode && shape.get(0) == 1;
        if (single) {
            // BatchNorm over two copies of one image normalises exactly as over the image alone
            // (zero variance), which PyTorch refuses for a batch of one at the 1 x 1 bottleneck
            scaled = scaled.repeat(0, 2);
        }
        NDArray out = generator.forward(store, new NDList(scaled), !evalMode).singletonOrThrow();
        if (single) {
            out = out.get("0:1");
        }
        return Scalars.mul(out.add(1f), 0.5f);
    }

    /**
     * Writes every generator in DJL's format ({@code <name>-0000.params}) and the index {@value
     * #INDEX} into a folder that must be empty or absent; the folder appears complete
     * or not at all.
     *
     * @param dir the folder
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if the folder holds files already
     */
    public void save(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var listing = Files.list(dir)) {
                if (listing.findAny().isPresent()) {
                    throw new IllegalArgumentException(dir + " already holds files; choose an empty or new folder for the translators");
                }
            }
        } else if (Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " is a file, not a folder");
        }
        AtomicFiles.writeDirectory(dir, tmp -> {
            JsonArray list = new JsonArray();
            for (int k = 0; k < pairs.size(); k++) {
                Pair p = pairs.get(k);
                String name = "pair" + k;
                saveBlock(p.forward, tmp, name + "-forward");
                saveBlock(p.backward, tmp, name + "-backward");
                JsonObject entry = new JsonObject();
                entry.addProperty("label", p.label);
                entry.addProperty("from", p.from);
                entry.addProperty("to", p.to);
                entry.addProperty("forward", name + "-forward");
                entry.addProperty("backward", name + "-backward");
                JsonArray shape = new JsonArray();
                for (long d : p.imageShape.getShape()) {
                    shape.add(d);
                }
                entry.add("imageShape", shape);
                list.add(entry);
            }
            JsonObject index = new JsonObject();
            index.add("pairs", list);
            Files.writeString(tmp.resolve(INDEX), GSON.toJson(index), StandardCharsets.UTF_8);
        });
    }

    private static void saveBlock(Block block, Path dir, String name) throws IOException {
        try (Model model = Model.newInstance(name)) {
            model.setBlock(block);
            model.save(dir, name);
        }
    }

    /**
     * Reads translators written by {@link #save(Path)}.
     *
     * @param dir the folder
     * @param device the device of the generators
     * @param evalModeGenerators whether they translate in inference mode
     * @return the translator; close it to release the generators
     * @throws IOException if a file is missing or malformed (naming it)
     */
    public static CycleGanTranslator load(Path dir, Device device, boolean evalModeGenerators) throws IOException {
        Path indexFile = dir.resolve(INDEX);
        if (!Files.isRegularFile(indexFile)) {
            throw new IOException("no " + INDEX + " in " + dir + "; it is not a folder of saved translators");
        }
        Builder b = builder().optEvalModeGenerators(evalModeGenerators);
        List<Model> models = new ArrayList<>();
        try {
            JsonObject index = GSON.fromJson(Files.readString(indexFile, StandardCharsets.UTF_8), JsonObject.class);
            for (var element : index.getAsJsonArray("pairs")) {
                JsonObject e = element.getAsJsonObject();
                JsonArray dims = e.getAsJsonArray("imageShape");
                long[] shape = new long[dims.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = dims.get(i).getAsLong();
                }
                Shape imageShape = new Shape(shape);
                Block forward = loadBlock(dir, e.get("forward").getAsString(), imageShape, device, models);
                Block backward = loadBlock(dir, e.get("backward").getAsString(), imageShape, device, models);
                b.addPair(e.get("label").getAsInt(), e.get("from").getAsInt(), e.get("to").getAsInt(), forward, backward, imageShape);
            }
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
            models.forEach(Model::close);
            throw new IOException(indexFile + " is malformed: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            models.forEach(Model::close);
            throw e;
        }
        return new CycleGanTranslator(b, models);
    }

    private static Block loadBlock(Path dir, String name, Shape imageShape, Device device, List<Model> models) throws IOException {
        Model model = Model.newInstance(name, device);
        models.add(model);
        model.setBlock(UnetGenerator.forImages(imageShape));
        try {
            model.load(dir, name);
        } catch (MalformedModelException e) {
            throw new IOException("generator " + name + " in " + dir + " does not fit a U-Net for " + imageShape + ": " + e.getMessage(), e);
        }
        return model.getBlock();
    }

    /** Releases generators this translator loaded (not those of a trainer). */
    @Override
    public void close() {
        owned.forEach(Model::close);
    }

    /** One trained pair of generators. */
    /** {@inheritDoc} Names the class and subgroup pairs it translates. */
    @Override
    public String toString() {
        return "CycleGAN translators " + pairs;
    }

    private record Pair(int label, int from, int to, Block forward, Block backward, Shape imageShape) {
        @Override
        public String toString() {
            return (label == CycleGanTrainer.ALL_CLASSES ? "every class" : "class " + label) + ": " + from + " <-> " + to;
        }
    }

    /** Builds a {@link CycleGanTranslator}. */
    public static final class Builder {

        private final List<Pair> pairs = new ArrayList<>();
        private boolean evalMode;

        Builder() {}

        /**
         * Adds a pair of trained generators.
         *
         * @param label the class, or {@link CycleGanTrainer#ALL_CLASSES}
         * @param from the source subgroup
         * @param to the target subgroup
         * @param forward the generator from {@code from} to {@code to}, initialised
         * @param backward the generator back, initialised
         * @param imageShape the images' {@code (C, H, W)}
         * @return this builder
         */
        public Builder addPair(int label, int from, int to, Block forward, Block backward, Shape imageShape) {
            pairs.add(new Pair(label, from, to, Objects.requireNonNull(forward), Objects.requireNonNull(backward), imageShape));
            return this;
        }

        /**
         * Translates in inference mode (default false, the reference's training mode).
         *
         * @param value true for inference mode
         * @return this builder
         */
        public Builder optEvalModeGenerators(boolean value) {
            this.evalMode = value;
            return this;
        }

        /**
         * Builds the translator.
         *
         * @return the translator
         */
        public CycleGanTranslator build() {
            if (pairs.isEmpty()) {
                throw new IllegalStateException("a translator needs at least one pair of generators");
            }
            return new CycleGanTranslator(this, List.of());
        }
    }
}
