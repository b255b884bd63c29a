package dev.debias.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;

import org.junit.jupiter.api.Test;

import java.util.Map;

class DevicesTest {

    @Test
    void picksGpuWhenTheEngineReportsOne() {
        assertEquals(Device.gpu(0), Devices.choose(null, 2));
        assertEquals(Device.gpu(0), Devices.choose("auto", 1));
    }

    @Test
    void fallsBackToCpuWithoutGpu() {
        assertEquals(Device.cpu(), Devices.choose(null, 0));
        assertEquals(Device.cpu(), Devices.choose(" ", 0));
    }

    @Test
    void overrideWins() {
        assertEquals(Device.cpu(), Devices.choose("cpu", 4));
        assertEquals(Device.gpu(1), Devices.choose("GPU1", 2));
        assertEquals(Device.gpu(0), Devices.choose("gpu", 1));
    }

    @Test
    void rejectsAbsentOrMalformedDevices() {
        IllegalArgumentException absent =
                assertThrows(IllegalArgumentException.class, () -> Devices.choose("gpu", 0));
        assertTrue(absent.getMessage().contains("0 GPU"));
        assertThrows(IllegalArgumentException.class, () -> Devices.choose("gpuX", 1));
        assertThrows(IllegalArgumentException.class, () -> Devices.choose("tpu", 1));
    }

    @Test
    void describesTheOfflinePyTorchEngine() {
        int gpus = ai.djl.engine.Engine.getInstance().getGpuCount();
        assertEquals(gpus > 0 ? Device.gpu(0) : Device.cpu(), Devices.choose());
        Map<String, String> env = DebiasEnvironment.describe();
        assertEquals("PyTorch", env.get("engine"));
        assertEquals("2.7.1", env.get("engineVersion"));
        assertEquals("true", env.get("offline"));
    }

    @Test
    void describesTheProcessorAndTheThreadSettings() throws Exception {
        java.nio.file.Path cpuInfo = java.nio.file.Path.of("/proc/cpuinfo");
        String model = DebiasEnvironment.describe().get("cpuModel");
        if (java.nio.file.Files.isReadable(cpuInfo)) {
            assertTrue(java.nio.file.Files.readString(cpuInfo).contains(": " + model + "\n"), model);
        } else {
            assertEquals(System.getProperty("os.arch"), model);
        }
        String before = System.getProperty(DebiasEnvironment.INTRA_OP_THREADS);
        try {
            System.setProperty(DebiasEnvironment.INTRA_OP_THREADS, "3");
            assertEquals("3", DebiasEnvironment.describe().get("intraOpThreads"));
            System.clearProperty(DebiasEnvironment.INTRA_OP_THREADS);
            assertTrue(DebiasEnvironment.describe().get("intraOpThreads").startsWith("libtorch's default"));
        } finally {
            if (before != null) {
                System.setProperty(DebiasEnvironment.INTRA_OP_THREADS, before);
            }
        }
    }
}
