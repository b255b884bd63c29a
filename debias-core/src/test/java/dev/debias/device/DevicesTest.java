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
}
