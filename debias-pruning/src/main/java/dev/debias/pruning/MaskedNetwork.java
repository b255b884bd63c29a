package dev.debias.pruning;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

import dev.debias.model.Backbone;
import dev.debias.ndarray.Scalars;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A {@link Backbone} with one learnable mask score per weight element of its masked layers: the
 * unstructured weight masks of DCWP (Park et al., "Training Debiased Subnetworks with Contrastive
 * Weight Pruning", CVPR 2023; ALGORITHMS.md §10.1–10.2).
 *
 * <p>The backbone is not rewritten: its forward pass runs through a parameter store that hands out
 * {@code mask ⊙ W} for every masked weight {@code W}, so any DJL block works, core's backbones and a
 * user's own. By default every parameter of type {@code WEIGHT} is masked (every convolution,
 * including 1 × 1 downsampling ones, and every linear layer); biases and BatchNorm parameters never
 * are. Scores are parameters of this block (children {@value #NETWORK} and {@value #SCORES}), so the
 * masked network saves and loads in DJL's format and trains with DJL's optimisers; each starts at
 * {@value #INITIAL_SCORE}.
 *
 * <p>{@link #setState(MaskState)} selects how masks apply: {@link MaskState#OFF} (dense), {@link
 * MaskState#SAMPLED} (in a training-mode forward, {@code hard + soft − sg(soft)} with fresh noise per
 * layer per forward, shared by the batch, see {@link MaskNoise}; in inference the fixed mask) or
 * {@link MaskState#FIXED} ({@code [π ≥ 0]} always). The state also sets what is trainable: the scores
 * in {@code SAMPLED}, the backbone's (originally trainable) parameters otherwise. Noise is drawn from
 * the engine's generator; seed it ({@code Engine.setRandomSeed}) before a forward for a reproducible
 * mask.
 *
 * <p>Output: {@code [logits, features]}, the features being the backbone's pooled vector (DCWP's
 * contrastive term reads them).
 */
public final class MaskedNetwork extends AbstractBlock {

    /** The name of the backbone child. */
    public static final String NETWORK = "network";

    /** The name of the child holding the scores. */
    public static final String SCORES = "scores";

    /** The initial value of every score (the reference's). */
    public static final float INITIAL_SCORE = 1.5f;

    private static final byte VERSION = 1;
    private static final float LOG_EPS = 1e-10f;

    private final Backbone network;
    private final ScoreBlock scores;
    private final List<Parameter> targets = new ArrayList<>();
    private final List<Parameter> scoreParameters = new ArrayList<>();
    private final List<String> targetNames = new ArrayList<>();
    private final Set<Parameter> trainable = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private final MaskNoise noise;
    private final float temperature;
    private MaskState state = MaskState.OFF;

    private MaskedNetwork(Builder b) {
        super(VERSION);
        this.network = addChildBlock(NETWORK, b.network);
        this.scores = addChildBlock(SCORES, new ScoreBlock());
        this.noise = b.noise;
        this.temperature = b.temperature;
        for (Pair<String, Parameter> p : network.getParameters()) {
            if (p.getValue().requiresGradient()) {
                trainable.add(p.getValue());
            }
            if (b.masked.test(p.getValue())) {
                targets.add(p.getValue());
                targetNames.add(p.getKey());
                Parameter score =
                        Parameter.builder()
                                .setName(p.getKey())
                                .setType(Parameter.Type.WEIGHT)
                                .optInitializer(new ConstantInitializer(INITIAL_SCORE))
                                .build();
                scoreParameters.add(scores.add(score));
            }
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException(
                    "the network " + b.network.getClass().getSimpleName() + " has no parameter to mask"
                            + " (by default every parameter of type WEIGHT is masked)");
        }
        applyTrainable();
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
     * Masks every {@code WEIGHT} parameter of a backbone, with the reference's noise and
     * temperature 1.
     *
     * @param network the backbone, not yet initialised
     * @return the masked network
     */
    public static MaskedNetwork of(Backbone network) {
        return builder().setNetwork(network).build();
    }

    /**
     * Returns the backbone.
     *
     * @return the backbone
     */
    public Backbone network() {
        return network;
    }

    /**
     * Returns the masking state.
     *
     * @return the state
     */
    public MaskState state() {
        return state;
    }

    /**
     * Sets how masks apply and what is trainable (see the class comment).
     *
     * @param value the state
     */
    public void setState(MaskState value) {
        this.state = Objects.requireNonNull(value, "state");
        applyTrainable();
    }

    private void applyTrainable() {
        boolean learnScores = state == MaskState.SAMPLED;
        for (Pair<String, Parameter> p : network.getParameters()) {
            if (trainable.contains(p.getValue())) {
                p.getValue().freeze(learnScores);
            }
        }
        for (Parameter s : scoreParameters) {
            s.freeze(!learnScores);
        }
    }

    /**
     * Returns the noise rule of sampled masks.
     *
     * @return the noise rule
     */
    public MaskNoise noise() {
        return noise;
    }

    /**
     * Returns the temperature {@code τ} of sampled masks.
     *
     * @return the temperature
     */
    public float temperature() {
        return temperature;
    }

    /**
     * Returns the names of the masked parameters within the backbone (its {@code getParameters()}
     * keys), in order.
     *
     * @return the masked parameters' names
     */
    public List<String> maskedParameterNames() {
        return List.copyOf(targetNames);
    }

    /**
     * Selects the scores among this block's parameter names ({@code getParameters()} keys); the
     * complement is the backbone's parameters.
     *
     * @return the predicate over parameter names
     */
    public Predicate<String> scoreNames() {
        String prefix = null;
        for (var child : getChildren()) {
            if (child.getValue() == scores) {
                prefix = child.getKey() + "_";
            }
        }
        String scorePrefix = prefix;
        return name -> name.startsWith(scorePrefix);
    }

    /**
     * Returns the score arrays, in the order of {@link #maskedParameterNames()}.
     *
     * @return the scores
     * @throws IllegalStateException before initialisation
     */
    public NDList scoreArrays() {
        NDList list = new NDList(scoreParameters.size());
        for (Parameter s : scoreParameters) {
            if (!s.isInitialized()) {
                throw new IllegalStateException("the masked network is not initialised");
            }
            list.add(s.getArray());
        }
        return list;
    }

    /**
     * Counts the kept weights ({@code π ≥ 0}) of every masked layer.
     *
     * @return the report
     */
    public MaskReport report() {
        NDList arrays = scoreArrays();
        List<MaskReport.Layer> layers = new ArrayList<>();
        for (int k = 0; k < arrays.size(); k++) {
            NDArray score = arrays.get(k);
            try (NDManager scope = NDManager.newBaseManager(score.getDevice())) {
                NDArray kept = score.gte(0f);
                kept.attach(scope);
                NDArray count = kept.countNonzero();
                layers.add(new MaskReport.Layer(targetNames.get(k), count.getLong(), score.size()));
            }
        }
        return new MaskReport(layers);
    }

    /**
     * Returns the fixed masks {@code [π ≥ 0]} (float 0/1, the weights' shapes) on a manager.
     *
     * @param manager the manager of the results
     * @return one mask per masked parameter, in the order of {@link #maskedParameterNames()}
     */
    public NDList fixedMasks(NDManager manager) {
        NDList list = new NDList(scoreParameters.size());
        for (Parameter s : scoreParameters) {
            list.add(fixedMask(s.getArray(), manager));
        }
        return list;
    }

    /**
     * Returns the masked backbone parameters, in the order of {@link #maskedParameterNames()}.
     *
     * @return the parameters
     */
    List<Parameter> maskedParameters() {
        return List.copyOf(targets);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        ParameterStore store = parameterStore;
        if (state != MaskState.OFF) {
            NDManager manager = inputs.head().getManager();
            Device device = inputs.head().getDevice();
            boolean sampled = state == MaskState.SAMPLED && training;
            Map<Parameter, NDArray> masks = new IdentityHashMap<>();
            for (int k = 0; k < targets.size(); k++) {
                NDArray score = parameterStore.getValue(scoreParameters.get(k), device, training);
                masks.put(targets.get(k), sampled ? sampledMask(score, manager) : fixedMask(score, manager));
            }
            store = new MaskingParameterStore(parameterStore, masks);
        }
        NDList features = network.getFeatures().forward(store, inputs, training, params);
        NDList logits = network.getClassifier().forward(store, features, training, params);
        return new NDList(logits.head(), features.head());
    }

    /** {@code [π ≥ 0]} as float 0/1, on {@code manager}. */
    private static NDArray fixedMask(NDArray score, NDManager manager) {
        NDArray kept = score.gte(0f);
        kept.attach(manager);
        return kept.toType(score.getDataType(), false);
    }

    /** The straight-through sampled mask of ALGORITHMS.md §10.2, on {@code manager}. */
    private NDArray sampledMask(NDArray score, NDManager manager) {
        NDArray u0 = manager.randomUniform(0f, 1f, score.getShape(), score.getDataType());
        NDArray u1 = manager.randomUniform(0f, 1f, score.getShape(), score.getDataType());
        // ν = −log(log(u1 + ε) / log(u0 + ε) + ε), a Logistic(0, 1) sample.
        NDArray nu = u1.add(LOG_EPS).log().div(u0.add(LOG_EPS).log()).add(LOG_EPS).log().neg();
        NDArray soft;
        if (noise == MaskNoise.ON_PROBABILITY) {
            NDArray probability = Activation.sigmoid(score);
            probability.attach(manager);
            soft = nu.add(probability);
        } else {
            soft = nu.add(score);
        }
        if (temperature != 1f) {
            soft = Scalars.div(soft, temperature);
        }
        soft = Activation.sigmoid(soft);
        NDArray hard = soft.gt(0.5f).toType(soft.getDataType(), false);
        return hard.sub(soft.stopGradient()).add(soft);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] features = network.getFeatures().getOutputShapes(inputShapes);
        Shape[] logits = network.getClassifier().getOutputShapes(features);
        return new Shape[] {logits[0], features[0]};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        network.initialize(manager, dataType, inputShapes);
        for (int k = 0; k < targets.size(); k++) {
            Parameter score = scoreParameters.get(k);
            if (!score.isInitialized()) {
                score.setShape(targets.get(k).getArray().getShape());
            }
        }
        scores.initialize(manager, dataType);
        applyTrainable();
    }

    /** {@inheritDoc} */
    @Override
    public void loadParameters(NDManager manager, DataInputStream is) throws IOException, MalformedModelException {
        super.loadParameters(manager, is);
        for (int k = 0; k < targets.size(); k++) {
            Shape weight = targets.get(k).getArray().getShape();
            Shape score = scoreParameters.get(k).getArray().getShape();
            if (!weight.equals(score)) {
                throw new MalformedModelException(
                        "the mask scores of " + targetNames.get(k) + " have shape " + score + ", its weight " + weight);
            }
        }
        applyTrainable();
    }

    /** The block that holds the scores; it is never run itself. */
    private static final class ScoreBlock extends AbstractBlock {

        ScoreBlock() {
            super(VERSION);
        }

        Parameter add(Parameter p) {
            return addParameter(p);
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
            throw new UnsupportedOperationException("the mask scores are read by MaskedNetwork, not run");
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[0];
        }
    }

    /** Builds a {@link MaskedNetwork}. */
    public static final class Builder {

        private Backbone network;
        private Predicate<Parameter> masked = p -> p.getType() == Parameter.Type.WEIGHT;
        private MaskNoise noise = MaskNoise.ON_PROBABILITY;
        private float temperature = 1f;

        Builder() {}

        /**
         * Sets the backbone to mask (not yet initialised).
         *
         * @param value the backbone
         * @return this builder
         */
        public Builder setNetwork(Backbone value) {
            this.network = Objects.requireNonNull(value, "network");
            return this;
        }

        /**
         * Selects the masked parameters (default: every parameter of type {@code WEIGHT}).
         *
         * @param value accepts the parameters to mask
         * @return this builder
         */
        public Builder optMaskedParameters(Predicate<Parameter> value) {
            this.masked = Objects.requireNonNull(value, "masked parameters");
            return this;
        }

        /**
         * Sets where sampled masks add their noise (default {@link MaskNoise#ON_PROBABILITY}).
         *
         * @param value the noise rule
         * @return this builder
         */
        public Builder optNoise(MaskNoise value) {
            this.noise = Objects.requireNonNull(value, "noise");
            return this;
        }

        /**
         * Sets the temperature {@code τ} of sampled masks (default 1).
         *
         * @param value a positive, finite temperature
         * @return this builder
         */
        public Builder optTemperature(float value) {
            if (!(value > 0) || Float.isInfinite(value)) {
                throw new IllegalArgumentException("the mask temperature must be positive and finite, got " + value);
            }
            this.temperature = value;
            return this;
        }

        /**
         * Builds the masked network.
         *
         * @return the masked network, not yet initialised
         * @throws IllegalArgumentException if no parameter is masked
         */
        public MaskedNetwork build() {
            if (network == null) {
                throw new IllegalArgumentException("the masked network needs a backbone (setNetwork)");
            }
            return new MaskedNetwork(this);
        }
    }
}
