package dev.debias.pruning;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import dev.debias.io.AtomicFiles;
import dev.debias.model.Backbone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Exports a {@link MaskedNetwork} as the plain backbone it prunes: every masked weight multiplied by
 * its fixed mask {@code [π ≥ 0]} (so pruned weights are exactly zero), every other parameter
 * (biases, BatchNorm) copied. The result is an ordinary DJL model: {@code Model.newInstance(name)},
 * {@code setBlock(<a fresh backbone of the same architecture>)}, {@code load(dir, name)} predicts
 * what the masked network predicts with its fixed mask.
 */
public final class PrunedModels {

    /** The file beside the parameters that holds the {@link MaskReport} as JSON. */
    public static final String SPARSITY_FILE = "sparsity.json";

    private PrunedModels() {}

    /**
     * Writes the pruned backbone to a new directory: {@code <name>-0000.params} in DJL's format and
     * {@value #SPARSITY_FILE}. The directory is written to a temporary sibling and renamed into
     * place, so it is complete or absent.
     *
     * @param network the masked network (initialised)
     * @param fresh a fresh, uninitialised backbone of the same architecture
     * @param inputShape the input shape with a batch axis
     * @param dir the directory to create; must not exist or be empty
     * @param name the model's name
     * @return the mask's kept ratio per layer
     * @throws IOException if writing fails
     * @throws IllegalArgumentException if {@code dir} holds files, or {@code fresh} does not have
     *     the network's parameters
     */
    public static MaskReport export(MaskedNetwork network, Backbone fresh, Shape inputShape, Path dir, String name)
            throws IOException {
        if (Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("the export directory " + dir + " already holds files; choose a new one");
                }
            }
        } else if (Files.exists(dir)) {
            throw new IllegalArgumentException("the export path " + dir + " is a file, not a directory");
        }
        MaskReport report = network.report();
        List<Parameter> masked = network.maskedParameters();
        NDArray anyScore = network.scoreArrays().head();
        try (Model model = Model.newInstance(name, anyScore.getDevice());
                NDManager scope = NDManager.newBaseManager(anyScore.getDevice())) {
            model.setBlock(fresh);
            fresh.initialize(model.getNDManager(), DataType.FLOAT32, inputShape);
            NDList masks = network.fixedMasks(scope);
            var source = network.network().getParameters();
            var target = fresh.getParameters();
            if (source.size() != target.size()) {
                throw new IllegalArgumentException(
                        "the fresh backbone has " + target.size() + " parameters, the masked network " + source.size());
            }
            for (Pair<String, Parameter> p : source) {
                Parameter into = target.get(p.getKey());
                if (into == null || !into.getArray().getShape().equals(p.getValue().getArray().getShape())) {
                    throw new IllegalArgumentException(
                            "the fresh backbone does not have parameter " + p.getKey() + " of shape " + p.getValue().getArray().getShape());
                }
                int k = masked.indexOf(p.getValue());
                NDArray value = k < 0 ? p.getValue().getArray().duplicate() : masks.get(k).mul(p.getValue().getArray());
                value.attach(scope);
                value.copyTo(into.getArray());
            }
            AtomicFiles.writeDirectory(dir, tmp -> {
                model.save(tmp, name);
                Files.writeString(tmp.resolve(SPARSITY_FILE), report.toJson().toString());
            });
        }
        return report;
    }
}
