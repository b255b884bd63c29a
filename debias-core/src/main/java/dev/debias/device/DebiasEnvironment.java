package dev.debias.device;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Describes the environment Debias runs in, for bug reports and run manifests: Java, DJL, the
 * engine and its version, the PyTorch flavour and library path settings, the GPUs the engine
 * sees, and the device {@link Devices#choose()} picks.
 */
public final class DebiasEnvironment {

    private DebiasEnvironment() {}

    /**
     * Returns the environment as ordered key/value pairs.
     *
     * @return the description
     */
    public static Map<String, String> describe() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        info.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        info.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        info.put("djl", Engine.getDjlVersion());
        Engine engine = Engine.getInstance();
        info.put("engine", engine.getEngineName());
        info.put("engineVersion", engine.getVersion());
        info.put("flavor", setting("PYTORCH_FLAVOR", "cpu or cu128 from the native jar"));
        info.put("pytorchLibraryPath", setting("PYTORCH_LIBRARY_PATH", "(from the native jar)"));
        info.put("offline", Boolean.toString(isOffline()));
        info.put("cacheDir", setting("DJL_CACHE_DIR", System.getProperty("user.home") + "/.djl.ai"));
        info.put("gpuCount", Integer.toString(engine.getGpuCount()));
        info.put(
                "devices",
                Arrays.stream(engine.getDevices()).map(Device::toString).collect(Collectors.joining(", ")));
        info.put("chosenDevice", Devices.choose().toString());
        return info;
    }

    /**
     * Returns the description as aligned text lines.
     *
     * @return the text
     */
    public static String describeAsText() {
        StringBuilder sb = new StringBuilder();
        describe().forEach((k, v) -> sb.append(String.format("%-20s %s%n", k + ":", v)));
        return sb.toString();
    }

    private static boolean isOffline() {
        return Boolean.parseBoolean(System.getProperty("ai.djl.offline"))
                || Boolean.parseBoolean(System.getenv("DJL_OFFLINE"));
    }

    private static String setting(String name, String fallback) {
        String value = System.getProperty(name);
        if (value == null) {
            value = System.getenv(name);
        }
        return value == null ? fallback : value;
    }
}
