package dev.debias.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A DJL {@link Model} being trained: the model, the DJL {@link Trainer} that holds its parameter
 * store, and its {@link CheckpointableOptimizer}. Checkpoints hold the parameters and the
 * optimiser state, so a resumed run continues exactly.
 *
 * <p>The trainer is built with the model's device only (never every GPU DJL sees) and no
 * listeners; the Debias training loop drives it directly.
 */
public final class TrainedModel implements Checkpointable, AutoCloseable {

    private final String name;
    private final Model model;
    private final Trainer trainer;
    private final CheckpointableOptimizer optimizer;

    private TrainedModel(String name, Model model, OptimizerConfig optimizerConfig, Shape inputShape) {
        this.name = name;
        this.model = model;
        this.optimizer = optimizerConfig.newOptimizer(model.getBlock());
        Device device = model.getNDManager().getDevice();
        DefaultTrainingConfig config =
                new DefaultTrainingConfig(Loss.l2Loss())
                        .optOptimizer(optimizer)
                        .optDevices(new Device[] {device});
        this.trainer = model.newTrainer(config);
        trainer.initialize(inputShape);
        rebuildOptimizerNames();
    }

    private void rebuildOptimizerNames() {
        optimizer.registerNames(model.getBlock());
    }

    /**
     * Wraps a model whose block is set, initialising its parameters for the given input shape.
     *
     * @param name the name of this part in checkpoints (e.g. {@code model}, {@code biased})
     * @param model the model, block set, on the device to train on
     * @param optimizer the optimiser settings
     * @param inputShape the input shape including a batch axis, e.g. {@code (1, 3, 28, 28)}
     * @return the trained model
     */
    public static TrainedModel create(String name, Model model, OptimizerConfig optimizer, Shape inputShape) {
        if (model.getBlock() == null) {
            throw new IllegalArgumentException("model " + model.getName() + " has no block set");
        }
        return new TrainedModel(name, model, optimizer, inputShape);
    }

    /**
     * Returns the DJL trainer (forward in training mode, evaluate in inference mode, step).
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

    /** {@inheritDoc} */
    @Override
    public String checkpointName() {
        return name;
    }

    /** {@inheritDoc} */
    @Override
    public void saveCheckpoint(Path dir) throws IOException {
        try (DataOutputStream out = open(dir.resolve(name + ".params"))) {
            ai.djl.nn.ParameterList parameters = model.getBlock().getParameters();
            out.writeInt(parameters.size());
            for (Pair<String, Parameter> p : parameters) {
                float[] values = p.getValue().getArray().toFloatArray();
                out.writeUTF(p.getKey());
                out.writeInt(values.length);
                for (float v : values) {
                    out.writeFloat(v);
                }
            }
        }
        try (DataOutputStream out = open(dir.resolve(name + ".optimizer"))) {
            optimizer.saveState(out);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Parameter values are copied into the existing arrays in place, so the DJL trainer's
     * parameter store keeps working on the same arrays.
     */
    @Override
    public void loadCheckpoint(Path dir) throws IOException {
        Path paramsFile = dir.resolve(name + ".params");
        Map<String, Parameter> byName = new HashMap<>();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            byName.put(p.getKey(), p.getValue());
        }
        try (DataInputStream in = openInput(paramsFile)) {
            int n = in.readInt();
            if (n != byName.size()) {
                throw new IOException(paramsFile + " holds " + n + " parameters, the model has " + byName.size());
            }
            for (int i = 0; i < n; i++) {
                String key = in.readUTF();
                Parameter parameter = byName.get(key);
                if (parameter == null) {
                    throw new IOException(paramsFile + " names unknown parameter " + key);
                }
                int len = in.readInt();
                NDArray array = parameter.getArray();
                if (len != array.size()) {
                    throw new IOException(
                            paramsFile + ": parameter " + key + " has " + len + " values, model has " + array.size());
                }
                float[] values = new float[len];
                for (int v = 0; v < len; v++) {
                    values[v] = in.readFloat();
                }
                array.set(values);
            }
        }
        try (DataInputStream in = openInput(dir.resolve(name + ".optimizer"))) {
            optimizer.loadState(in, model.getBlock());
        }
    }

    private static DataOutputStream open(Path file) throws IOException {
        return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)));
    }

    private static DataInputStream openInput(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("checkpoint file missing: " + file);
        }
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file)));
    }

    /** Closes the DJL trainer (the model stays open; its owner closes it). */
    @Override
    public void close() {
        trainer.close();
    }
}
