package dev.debias.device;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Chooses the device Debias computes on. Nothing else in Debias names a device.
 *
 * <p>Rules, in order:
 *
 * <ol>
 *   <li>the system property {@value #DEVICE_PROPERTY} (or the environment variable {@value
 *       #DEVICE_ENV}) if set: {@code cpu}, {@code gpu}, {@code gpu0}, {@code gpu1}, ... ({@code
 *       auto} means no override);
 *   <li>otherwise the first GPU when the engine reports one ({@link Engine#getGpuCount()});
 *   <li>otherwise the CPU.
 * </ol>
 *
 * <p>DJL detects GPUs by loading {@code libcudart} through JNA; if it cannot, it reports none and
 * Debias runs on the CPU. See {@code docs/gpu.md} for the CUDA setup.
 */
public final class Devices {

    /** System property that overrides the device choice. */
    public static final String DEVICE_PROPERTY = "debias.device";

    /** Environment variable that overrides the device choice. */
    public static final String DEVICE_ENV = "DEBIAS_DEVICE";

    private Devices() {}

    /**
     * Returns the device to compute on, following the rules of this class.
     *
     * @return the chosen device
     * @throws IllegalArgumentException if the override names an unknown or absent device
     */
    public static Device choose() {
        String override = System.getProperty(DEVICE_PROPERTY);
        if (override == null || override.isBlank()) {
            override = System.getenv(DEVICE_ENV);
        }
        return choose(override, Engine.getInstance().getGpuCount());
    }

    /**
     * Applies the rules of this class to an explicit override and GPU count.
     *
     * @param override {@code null}, blank or {@code auto} for no override; else {@code cpu},
     *     {@code gpu} or {@code gpuN}
     * @param gpuCount the number of GPUs the engine reports
     * @return the chosen device
     * @throws IllegalArgumentException if the override is malformed or names an absent GPU
     */
    public static Device choose(String override, int gpuCount) {
        if (override == null || override.isBlank() || "auto".equalsIgnoreCase(override.trim())) {
            return gpuCount > 0 ? Device.gpu(0) : Device.cpu();
        }
        String name = override.trim().toLowerCase(java.util.Locale.ROOT);
        if ("cpu".equals(name)) {
            return Device.cpu();
        }
        if (name.startsWith("gpu")) {
            String digits = name.substring(3);
            int id;
            try {
                id = digits.isEmpty() ? 0 : Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "malformed device '" + override + "': expected cpu, gpu or gpuN", e);
            }
            if (id >= gpuCount) {
                throw new IllegalArgumentException(
                        "device '"
                                + override
                                + "' requested but the engine reports "
                                + gpuCount
                                + " GPU(s); see docs/gpu.md");
            }
            return Device.gpu(id);
        }
        throw new IllegalArgumentException(
                "unknown device '" + override + "': expected cpu, gpu, gpuN or auto");
    }
}
