package dev.debias.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;

import dev.debias.ndarray.Scalars;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A DJL {@link Model} being trained: the model, the DJL {@link Trainer} that holds its parameter
 * store, and one or more {@link CheckpointableOptimizer}s over disjoint groups of its parameters
 * (a subset may be frozen instead).
 *
 * <p>Checkpoints hold the parameters in DJL's own format, {@code <name>-NNNN.params} (so {@code
 * Model.newInstance(name)}, {@code setBlock(<same architecture>)}, {@code load(dir, name)} gives
 * the same predictions), and the optimisers' state in {@code <name>.optimizer}, which is never
 * needed just to load the model.
 *
 * <p>The DJL trainer is built with the model's device only and no listeners; the Debias loop
 * drives it directly. Loading parameters replaces the parameter arrays, so the DJL trainer is
 * rebuilt afterwards: take it from {@link #trainer()} each time, do not keep it.
 */
public final class TrainedModel implements Checkpointable, AutoCloseable {

    /** The name of the optimiser group of a model with one optimiser. */
    public static final String DEFAULT_GROUP = "all";

    private static final String DJL_MAGIC = "DJL@";
    private static final int DJL_MODEL_VERSION = 1;
    private static final int OPTIMIZER_STATE_VERSION = 2;

    private final String name;
    private final Model model;
    private final Shape[] inputShapes;
    private final Set<String> frozen;
    private final Map<String, CheckpointableOptimizer> groups;
    private final GroupDispatcher dispatcher;
    private final Map<String, List<Parameter>> members = new LinkedHashMap<>();
    private Trainer trainer;

    private TrainedModel(Builder b) {
        this.name = b.name;
        this.model = b.model;
        this.inputShapes = b.inputShapes;
        Block block = model.getBlock();
        this.dispatcher = new GroupDispatcher();
        this.trainer = newTrainer();
        List<String> names = parameterNames(block);
        this.frozen = new java.util.LinkedHashSet<>();
        for (String p : names) {
            if (b.frozen.test(p)) {
                frozen.add(p);
            }
        }
        freeze();
        this.groups = new LinkedHashMap<>();
        Map<String, String> owner = new HashMap<>();
        for (Map.Entry<String, GroupSpec> g : b.groups.entrySet()) {
            CheckpointableOptimizer optimizer = g.getValue().config.newOptimizer(block);
            groups.put(g.getKey(), optimizer);
            for (String p : names) {
                if (!frozen.contains(p) && g.getValue().members.test(p)) {
                    String previous = owner.putIfAbsent(p, g.getKey());
                    if (previous != null) {
                        throw new IllegalArgumentException(
                                "parameter " + p + " of model " + name + " is in optimiser groups " + previous + " and "
                                        + g.getKey() + "; groups must be disjoint");
                    }
                }
            }
        }
        List<String> orphans = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient() && !frozen.contains(p.getKey()) && !owner.containsKey(p.getKey())) {
                orphans.add(p.getKey());
            }
        }
        if (!orphans.isEmpty()) {
            throw new IllegalArgumentException(
                    "parameters " + orphans + " of model " + name + " are in no optimiser group; add them to one or freeze them");
        }
        dispatcher.assign(block, owner, groups);
        for (String g : groups.keySet()) {
            members.put(g, new ArrayList<>());
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            String g = owner.get(p.getKey());
            if (g != null) {
                members.get(g).add(p.getValue());
            }
        }
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
     * Wraps a model whose block is set, initialising its parameters for the given input shape,
     * with one optimiser over every parameter.
     *
     * @param name the name of this part in checkpoints (e.g. {@code model}, {@code biased})
     * @param model the model, block set, on the device to train on
     * @param optimizer the optimiser settings
     * @param inputShape the input shape including a batch axis, e.g. {@code (1, 3, 28, 28)}
     * @return the trained model
     */
    public static TrainedModel create(String name, Model model, OptimizerConfig optimizer, Shape inputShape) {
        return builder().setName(name).setModel(model).setInputShapes(inputShape).optOptimizer(optimizer).build();
    }

    private Trainer newTrainer() {
        Device device = model.getNDManager().getDevice();
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(dispatcher).optDevices(new Device[] {device});
        Trainer t = model.newTrainer(config);
        t.initialize(inputShapes);
        return t;
    }

    private void freeze() {
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            if (frozen.contains(p.getKey())) {
                p.getValue().freeze(true);
            }
        }
    }

    private static List<String> parameterNames(Block block) {
        List<String> names = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            names.add(p.getKey());
        }
        return names;
    }

    /**
     * Returns the DJL trainer (forward in training mode, evaluate in inference mode, step). It
     * is rebuilt when parameters are loaded: do not keep it across {@link #loadParameters(Path)}.
     *
     * @return the trainer
     */
    public Trainer trainer() {
        return trainer;
    }

    /**
     * Returns the model.
     *
     * @return the model
     */
    public Model model() {
        return model;
    }

    /**
     * Returns the inference function of the model (DJL's {@code Trainer.evaluate}).
     *
     * @return the function from a batch's data to the model's outputs
     */
    public UnaryOperator<NDList> inference() {
        return data -> trainer.evaluate(data);
    }

    /**
     * Updates every optimiser group's parameters from their gradients (DJL's {@code
     * Trainer.step()}).
     */
    public void step() {
        for (String g : groups.keySet()) {
            clipGlobalNorm(g);
        }
        dispatcher.activate(null);
        trainer.step();
    }

    /**
     * Applies a group's gradient clipping ({@link OptimizerConfig#maxGradientNorm()}): adds the
     * weight decay's gradient, then scales every gradient of the group by {@code max / max(norm,
     * max)}, without reading the norm back to the host.
     */
    private void clipGlobalNorm(String group) {
        OptimizerConfig config = groups.get(group).config();
        float bound = config.maxGradientNorm();
        if (bound <= 0) {
            return;
        }
        try (NDManager scope = model.getNDManager().newSubManager()) {
            List<NDArray> gradients = new ArrayList<>();
            NDArray squares = null;
            for (Parameter p : members.get(group)) {
                NDArray weight = p.getArray();
                NDArray gradient = weight.getGradient();
                gradient.attach(scope);
                if (config.weightDecay() != 0) {
                    NDArray decay = Scalars.mul(weight, config.weightDecay());
                    decay.attach(scope);
                    gradient.addi(decay);
                }
                gradients.add(gradient);
                NDArray sum = gradient.square().sum();
                squares = squares == null ? sum : squares.add(sum);
            }
            if (squares == null) {
                return;
            }
            NDArray factor = Scalars.mul(Scalars.pow(Scalars.maximum(squares.sqrt(), bound), -1f), bound);
            for (NDArray gradient : gradients) {
                gradient.muli(factor);
            }
        }
    }

    /**
     * Updates only one optimiser group's parameters; the other groups keep their gradients, as
     * when only one of two PyTorch optimisers is stepped.
     *
     * @param group the group's name
     * @throws IllegalArgumentException if the model has no such group
     */
    public void step(String group) {
        CheckpointableOptimizer optimizer = groups.get(group);
        if (optimizer == null) {
            throw new IllegalArgumentException("model " + name + " has no optimiser group " + group + "; it has " + groups.keySet());
        }
        clipGlobalNorm(group);
        dispatcher.activate(optimizer);
        try {
            trainer.step();
        } finally {
            dispatcher.activate(null);
        }
    }

    /**
     * Returns the names of the optimiser groups.
     *
     * @return the group names, in the order they were added
     */
    public Set<String> groups() {
        return java.util.Collections.unmodifiableSet(groups.keySet());
    }

    /** {@inheritDoc} */
    @Override
    public String checkpointName() {
        return name;
    }

    /** {@inheritDoc} */
    @Override
    public String nonFiniteState() {
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            // Results attach to the parameter's (the model's) manager: close each one.
            NDArray array = p.getValue().getArray();
            try (NDArray nan = array.isNaN();
                    NDArray infinite = array.isInfinite();
                    NDArray either = nan.logicalOr(infinite);
                    NDArray bad = either.any()) {
                if (bad.getBoolean()) {
                    return "parameter " + p.getKey() + " of model " + name;
                }
            }
        }
        return null;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Writes {@code <name>-NNNN.params} with DJL's {@code Model.save} and the optimisers'
     * state {@code <name>.optimizer}.
     */
    @Override
    public void saveCheckpoint(Path dir) throws IOException {
        model.save(dir, name);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(dir.resolve(name + ".optimizer"))))) {
            out.writeInt(OPTIMIZER_STATE_VERSION);
            out.writeInt(groups.size());
            for (Map.Entry<String, CheckpointableOptimizer> g : groups.entrySet()) {
                out.writeUTF(g.getKey());
                g.getValue().saveState(out);
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Loads the parameters ({@link #loadParameters(Path)}) and the optimisers' state.
     */
    @Override
    public void loadCheckpoint(Path dir) throws IOException {
        loadParameters(dir);
        Path file = dir.resolve(name + ".optimizer");
        if (!Files.isRegularFile(file)) {
            throw new IOException("checkpoint file missing: " + file);
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int version = in.readInt();
            if (version != OPTIMIZER_STATE_VERSION) {
                throw new IOException(file + " has optimiser-state version " + version + ", this Debias reads " + OPTIMIZER_STATE_VERSION);
            }
            int n = in.readInt();
            if (n != groups.size()) {
                throw new IOException(file + " holds " + n + " optimiser groups, model " + name + " has " + groups.size());
            }
            for (int i = 0; i < n; i++) {
                String group = in.readUTF();
                CheckpointableOptimizer optimizer = groups.get(group);
                if (optimizer == null) {
                    throw new IOException(file + " names optimiser group " + group + ", model " + name + " has " + groups.keySet());
                }
                optimizer.loadState(in, model.getBlock());
            }
            if (in.read() != -1) {
                throw new IOException(file + " has data after the optimiser state");
            }
        } catch (java.io.EOFException e) {
            throw new IOException(file + " ends before the optimiser state is complete", e);
        }
    }

    /**
     * Loads the parameters saved in a checkpoint ({@code <name>-NNNN.params} in DJL's format)
     * into this model, keeping the optimisers' state; the DJL trainer is rebuilt.
     *
     * @param dir the checkpoint directory
     * @throws IOException if the file is missing, malformed or does not fit the block
     */
    public void loadParameters(Path dir) throws IOException {
        Path file = parametersFile(dir, name);
        Block block = model.getBlock();
        Map<String, NDArray> previous = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            previous.put(p.getKey(), p.getValue().getArray());
        }
        trainer.close();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            readDjlHeader(in, file);
            block.loadParameters(model.getNDManager(), in);
            if (in.read() != -1) {
                throw new IOException(file + " has data after the parameters");
            }
        } catch (MalformedModelException e) {
            throw new IOException(file + " does not fit the model's block: " + e.getMessage(), e);
        } catch (java.io.EOFException e) {
            throw new IOException(file + " ends before every parameter is read", e);
        } finally {
            trainer = newTrainer();
            freeze();
        }
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray old = previous.get(p.getKey());
            NDArray now = p.getValue().getArray();
            if (old != null && now != old) {
                if (!old.getShape().equals(now.getShape())) {
                    throw new IOException(
                            file + ": parameter " + p.getKey() + " has shape " + now.getShape() + ", the model "
                                    + old.getShape());
                }
                old.close();
            }
        }
    }

    /**
     * Finds the parameter file of a model in a checkpoint directory.
     *
     * @param dir the directory
     * @param modelName the model's name in the checkpoint
     * @return the one {@code <modelName>-NNNN.params} file there
     * @throws IOException if there is none or more than one
     */
    public static Path parametersFile(Path dir, String modelName) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().matches(java.util.regex.Pattern.quote(modelName) + "-\\d{4,}\\.params")).toList();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("checkpoint directory missing: " + dir, e);
        }
        if (files.size() != 1) {
            throw new IOException(
                    files.isEmpty()
                            ? "checkpoint file missing: " + dir.resolve(modelName + "-0000.params")
                            : dir + " holds " + files.size() + " parameter files of " + modelName);
        }
        return files.get(0);
    }

    private static void readDjlHeader(DataInputStream in, Path file) throws IOException {
        byte[] magic = new byte[4];
        in.readFully(magic);
        if (!DJL_MAGIC.equals(new String(magic, java.nio.charset.StandardCharsets.US_ASCII))) {
            throw new IOException(file + " is not a DJL parameter file");
        }
        int version = in.readInt();
        if (version != DJL_MODEL_VERSION) {
            throw new IOException(file + " has DJL model version " + version);
        }
        in.readUTF(); // model name
        in.readUTF(); // data type
        for (int n = in.readInt(), i = 0; i < n; i++) {
            in.readUTF();
            Shape.decode(in);
        }
        for (int n = in.readInt(), i = 0; i < n; i++) {
            in.readUTF();
            in.readUTF();
        }
    }

    /** Closes the DJL trainer (the model stays open; its owner closes it). */
    @Override
    public void close() {
        trainer.close();
    }

    /** Sends each parameter's update to the optimiser of its group. */
    private static final class GroupDispatcher extends Optimizer {

        private final Map<String, CheckpointableOptimizer> byId = new HashMap<>();
        private CheckpointableOptimizer active;

        GroupDispatcher() {
            super(Optimizer.sgd().setLearningRateTracker(ai.djl.training.tracker.Tracker.fixed(1f)));
        }

        void assign(Block block, Map<String, String> owner, Map<String, CheckpointableOptimizer> groups) {
            for (Pair<String, Parameter> p : block.getParameters()) {
                String group = owner.get(p.getKey());
                if (group != null) {
                    byId.put(p.getValue().getId(), groups.get(group));
                }
            }
        }

        void activate(CheckpointableOptimizer only) {
            this.active = only;
        }

        @Override
        public void update(String parameterId, NDArray weight, NDArray grad) {
            CheckpointableOptimizer optimizer = byId.get(parameterId);
            if (optimizer == null) {
                throw new IllegalStateException("parameter " + parameterId + " has a gradient but no optimiser group");
            }
            if (active == null || active == optimizer) {
                optimizer.update(parameterId, weight, grad);
            }
        }
    }

    /** One optimiser over the parameters whose names a predicate accepts. */
    private record GroupSpec(OptimizerConfig config, Predicate<String> members) {}

    /** Builds a {@link TrainedModel}. */
    public static final class Builder {

        private String name;
        private Model model;
        private Shape[] inputShapes;
        private final Map<String, GroupSpec> groups = new LinkedHashMap<>();
        private Predicate<String> frozen = p -> false;

        Builder() {}

        /**
         * Sets the name of this part in checkpoints; its parameter file is {@code
         * <name>-NNNN.params}.
         *
         * @param value letters, digits, {@code -} and {@code _}
         * @return this builder
         */
        public Builder setName(String value) {
            if (value == null || !value.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("a model name needs letters, digits, - or _, got " + value);
            }
            this.name = value;
            return this;
        }

        /**
         * Sets the model: one Debias made, or one the user already has (its block set, on the
         * device to train on; the caller keeps owning it).
         *
         * @param value the model
         * @return this builder
         */
        public Builder setModel(Model value) {
            this.model = Objects.requireNonNull(value, "model");
            if (value.getBlock() == null) {
                throw new IllegalArgumentException("model " + value.getName() + " has no block set");
            }
            return this;
        }

        /**
         * Sets the input shapes, each with a batch axis, e.g. {@code (1, 3, 28, 28)}.
         *
         * @param shapes one shape per input of the block
         * @return this builder
         */
        public Builder setInputShapes(Shape... shapes) {
            if (shapes.length == 0) {
                throw new IllegalArgumentException("a model needs at least one input shape");
            }
            this.inputShapes = shapes.clone();
            return this;
        }

        /**
         * Uses one optimiser, group {@value TrainedModel#DEFAULT_GROUP}, for every parameter that is
         * not frozen.
         *
         * @param config the optimiser settings
         * @return this builder
         */
        public Builder optOptimizer(OptimizerConfig config) {
            return addOptimizer(DEFAULT_GROUP, config, p -> true);
        }

        /**
         * Adds an optimiser over the parameters whose path names ({@code Block.getParameters()}
         * keys) {@code members} accepts; groups must be disjoint.
         *
         * @param group the group's name, for {@link TrainedModel#step(String)}
         * @param config the optimiser settings
         * @param members selects the group's parameters by name
         * @return this builder
         */
        public Builder addOptimizer(String group, OptimizerConfig config, Predicate<String> members) {
            if (groups.containsKey(group)) {
                throw new IllegalArgumentException("optimiser group " + group + " is added twice");
            }
            groups.put(group, new GroupSpec(Objects.requireNonNull(config, "config"), Objects.requireNonNull(members, "members")));
            return this;
        }

        /**
         * Freezes the parameters whose path names {@code parameters} accepts: they get no
         * gradient and no optimiser.
         *
         * @param parameters selects the frozen parameters by name
         * @return this builder
         */
        public Builder optFrozen(Predicate<String> parameters) {
            this.frozen = Objects.requireNonNull(parameters, "parameters");
            return this;
        }

        /**
         * Builds the model: creates the DJL trainer, initialises the parameters, freezes and
         * assigns them to their optimisers.
         *
         * @return the trained model
         * @throws IllegalArgumentException if a trainable parameter is in no group or in two
         */
        public TrainedModel build() {
            if (name == null || model == null || inputShapes == null) {
                throw new IllegalStateException("a trained model needs a name, a model and its input shapes");
            }
            if (groups.isEmpty()) {
                throw new IllegalStateException("model " + name + " needs an optimiser");
            }
            return new TrainedModel(this);
        }
    }
}
