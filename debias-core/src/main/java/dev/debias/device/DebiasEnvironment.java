package dev.debias.device;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Describes the environment Debias runs in, for bug reports and run manifests: Java, DJL, the
 * engine and its version, the PyTorch flavour and library path settings, the processor and the
 * thread settings (a step's time depends on both), the GPUs the engine sees, and the device
 * {@link Devices#choose()} picks.
 */
public final class DebiasEnvironment {

    /** The system property that sets libtorch's intra-op threads. */
    public static final String INTRA_OP_THREADS = "ai.djl.pytorch.num_threads";

    /** The system property that sets libtorch's inter-op threads. */
    public static final String INTER_OP_THREADS = "ai.djl.pytorch.num_interop_threads";

    private static final Path CPU_INFO = Path.of("/proc/cpuinfo");

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
        info.put("cpuModel", cpuModel());
        info.put("intraOpThreads", setting(INTRA_OP_THREADS, "libtorch's default (one per core)"));
        info.put("interOpThreads", setting(INTER_OP_THREADS, "libtorch's default (one per core)"));
        info.put("ompNumThreads", setting("OMP_NUM_THREADS", "unset"));
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

    /** The processor's model name from {@code /proc/cpuinfo}, or the architecture where there is none. */
    static String cpuModel() {
        try (Stream<String> lines = Files.lines(CPU_INFO)) {
            return lines.filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse(System.getProperty("os.arch"));
        } catch (IOException | UncheckedIOException e) {
            return System.getProperty("os.arch");
        }
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
