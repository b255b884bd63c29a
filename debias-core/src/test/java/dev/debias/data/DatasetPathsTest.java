package dev.debias.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetPathsTest {

    @Test
    void propertyBeatsEnvironmentBeatsHome() {
        assertEquals(Paths.get("/p"), DatasetPaths.resolveRoot("/p", "/e", "/home/u"));
        assertEquals(Paths.get("/e"), DatasetPaths.resolveRoot(null, "/e", "/home/u"));
        assertEquals(Paths.get("/e"), DatasetPaths.resolveRoot(" ", "/e", "/home/u"));
        assertEquals(
                Paths.get("/home/u/.debias/datasets"), DatasetPaths.resolveRoot(null, null, "/home/u"));
    }

    @Test
    void missingFolderTellsHowToFetch(@TempDir Path dir) {
        Path missing = dir.resolve("mnist");
        NoSuchFileException e =
                assertThrows(NoSuchFileException.class, () -> DatasetPaths.existing(missing, "MNIST"));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("scripts/fetch-datasets.sh"), e.getMessage());
        assertTrue(e.getMessage().contains(DatasetPaths.ENV_VAR), e.getMessage());
    }

    @Test
    void systemPropertyMovesTheRoot(@TempDir Path dir) {
        String previous = System.getProperty(DatasetPaths.PROPERTY);
        System.setProperty(DatasetPaths.PROPERTY, dir.toString());
        try {
            assertEquals(dir, DatasetPaths.root());
            assertEquals(false, DatasetPaths.hasMnist());
            NoSuchFileException e = assertThrows(NoSuchFileException.class, DatasetPaths::mnistDir);
            assertTrue(e.getMessage().contains(dir.resolve("mnist").toString()), e.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty(DatasetPaths.PROPERTY);
            } else {
                System.setProperty(DatasetPaths.PROPERTY, previous);
            }
        }
    }
}
