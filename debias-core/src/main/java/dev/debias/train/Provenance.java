package dev.debias.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The complete settings of a run as data: the method's config ({@code describe()} of every
 * Debias config), the shared training settings and a fingerprint of the training data. Written as
 * {@value #FILE} into every checkpoint and compared on resume, so that a run is never continued
 * with other settings than it was started with.
 *
 * <p>Settings are compared as flattened dotted keys ({@code training.optimizer.learningRate});
 * the keys of {@link #RESUMABLE} and {@link #RESUMABLE_LEAVES} may differ (the length of the main
 * training phase and how often it is evaluated, the console, where checkpoints go, and the device).
 */
public final class Provenance {

    /** The file name inside a checkpoint. */
    public static final String FILE = "settings.json";

    /**
     * Keys that may change between a run and its resumption: the main phase's length, so that a
     * finished run can be continued for longer, and how often it is evaluated and checkpointed,
     * which presets derive from the length (a CycleGAN checkpoints every tenth of its steps).
     */
    public static final Set<String> RESUMABLE =
            Set.of("training.iterations", "training.epochs", "training.evaluateEvery");

    /**
     * Last components of keys that may change anywhere: console output, where checkpoints go,
     * whether to resume, and the device.
     */
    public static final Set<String> RESUMABLE_LEAVES = Set.of("progressBar", "checkpointDir", "resume", "device");

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().create();

    private final JsonObject settings;

    /**
     * Creates a provenance record.
     *
     * @param settings the settings (copied)
     */
    public Provenance(JsonObject settings) {
        this.settings = Objects.requireNonNull(settings, "settings").deepCopy();
    }

    /**
     * Returns the settings.
     *
     * @return a copy of the settings
     */
    public JsonObject settings() {
        return settings.deepCopy();
    }

    /**
     * Writes {@value #FILE} into a directory.
     *
     * @param dir the directory
     * @throws IOException if writing fails
     */
    public void write(Path dir) throws IOException {
        Files.writeString(dir.resolve(FILE), GSON.toJson(settings) + System.lineSeparator(), StandardCharsets.UTF_8);
    }

    /**
     * Reads {@value #FILE} from a directory.
     *
     * @param dir the directory
     * @return the settings saved there
     * @throws IOException if the file is missing or not a JSON object
     */
    public static Provenance read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException("checkpoint " + dir + " has no " + FILE);
        }
        try {
            return new Provenance(JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject());
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException(file + " is not a JSON object: " + e.getMessage(), e);
        }
    }

    /**
     * Lists the settings that differ from another record, ignoring those that may change on
     * resume.
     *
     * @param saved the settings a run was started with
     * @return one line per differing key, {@code key: saved -> current}, sorted by key
     */
    public List<String> differencesFrom(Provenance saved) {
        Map<String, String> mine = flatten(settings);
        Map<String, String> theirs = flatten(saved.settings);
        Set<String> keys = new TreeSet<>(mine.keySet());
        keys.addAll(theirs.keySet());
        List<String> out = new ArrayList<>();
        for (String key : keys) {
            if (RESUMABLE.contains(key) || RESUMABLE_LEAVES.contains(key.substring(key.lastIndexOf('.') + 1))) {
                continue;
            }
            String now = mine.get(key);
            String then = theirs.get(key);
            if (!Objects.equals(now, then)) {
                out.add(key + ": " + (then == null ? "(absent)" : then) + " -> " + (now == null ? "(absent)" : now));
            }
        }
        return out;
    }

    /**
     * Flattens a JSON object into dotted keys and the JSON text of each leaf.
     *
     * @param json the object
     * @return the leaves in document order
     */
    static Map<String, String> flatten(JsonObject json) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", json, out);
        return out;
    }

    private static void flatten(String prefix, JsonElement element, Map<String, String> out) {
        if (element.isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : element.getAsJsonObject().entrySet()) {
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.put(prefix, element.toString());
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return settings.toString();
    }
}
