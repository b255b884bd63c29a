package dev.debias.examples;

import ai.djl.Device;
import ai.djl.engine.Engine;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import dev.debias.device.DebiasEnvironment;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What a run was made with, recorded as {@code manifest} in its {@code metrics.json}: Debias's
 * version and git commit (when {@code bin/debias} knows it), Java, DJL, the engine with its
 * PyTorch version and flavour, the device, the processor and thread settings, the command line,
 * and the start and end times.
 */
final class RunManifest {

    private final List<String> commandLine;
    private final Instant started = Instant.now();

    RunManifest(List<String> commandLine) {
        this.commandLine = List.copyOf(commandLine);
    }

    /**
     * Returns the manifest, ended now.
     *
     * @param device the device the run trained on
     * @return the manifest
     */
    JsonObject toJson(Device device) {
        JsonObject json = new JsonObject();
        json.addProperty("debiasVersion", version());
        String commit = System.getenv("DEBIAS_GIT_COMMIT");
        json.addProperty("gitCommit", commit == null || commit.isBlank() ? null : commit);
        json.addProperty("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        json.addProperty("djl", Engine.getDjlVersion());
        Map<String, String> environment = DebiasEnvironment.describe();
        json.addProperty("engine", environment.get("engine"));
        json.addProperty("pytorch", environment.get("engineVersion"));
        json.addProperty("pytorchFlavor", environment.get("flavor"));
        json.addProperty("device", device.toString());
        for (String key : new String[] {"cpus", "cpuModel", "intraOpThreads", "interOpThreads", "ompNumThreads"}) {
            json.addProperty(key, environment.get(key));
        }
        JsonArray args = new JsonArray();
        commandLine.forEach(args::add);
        json.add("commandLine", args);
        json.addProperty("started", started.toString());
        json.addProperty("ended", Instant.now().toString());
        return json;
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = RunManifest.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }
}
