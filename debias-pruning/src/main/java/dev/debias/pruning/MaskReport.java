package dev.debias.pruning;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.List;

/**
 * The kept weights of a {@link MaskedNetwork}: per masked layer and overall, the kept ratio
 * {@code #(π ≥ 0) / #π} (DCWP's "density") and the sparsity {@code 1 − kept ratio}.
 *
 * @param layers the masked layers, in order
 */
public record MaskReport(List<Layer> layers) {

    /**
     * One masked parameter.
     *
     * @param name the parameter's name in the backbone
     * @param kept the number of kept weights
     * @param total the number of weights
     */
    public record Layer(String name, long kept, long total) {

        /**
         * Returns the kept ratio.
         *
         * @return {@code kept / total}
         */
        public double keptRatio() {
            return (double) kept / total;
        }
    }

    /**
     * Creates a report.
     *
     * @param layers the layers; at least one
     */
    public MaskReport {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a mask report needs at least one layer");
        }
    }

    /**
     * Returns the kept ratio over every masked weight.
     *
     * @return the overall kept ratio
     */
    public double keptRatio() {
        long kept = 0;
        long total = 0;
        for (Layer l : layers) {
            kept += l.kept();
            total += l.total();
        }
        return (double) kept / total;
    }

    /**
     * Returns the overall sparsity, {@code 1 − keptRatio()}.
     *
     * @return the sparsity
     */
    public double sparsity() {
        return 1 - keptRatio();
    }

    /**
     * Returns the layers that keep no weight at all (they output only their bias).
     *
     * @return the names of the fully pruned layers
     */
    public List<String> emptyLayers() {
        return layers.stream().filter(l -> l.kept() == 0).map(Layer::name).toList();
    }

    /**
     * Returns the report as JSON: {@code keptRatio}, {@code sparsity} and {@code layers} (name,
     * kept, total, keptRatio).
     *
     * @return the JSON object
     */
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("keptRatio", keptRatio());
        json.addProperty("sparsity", sparsity());
        JsonArray array = new JsonArray();
        for (Layer l : layers) {
            JsonObject o = new JsonObject();
            o.addProperty("name", l.name());
            o.addProperty("kept", l.kept());
            o.addProperty("total", l.total());
            o.addProperty("keptRatio", l.keptRatio());
            array.add(o);
        }
        json.add("layers", array);
        return json;
    }
}
