package dev.debias.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataCsvDatasetTest {

    private static final String HEADER = "img_id,img_filename,y,split,place,place_filename";

    @TempDir Path dir;

    /** Writes an RGB image whose red channel is {@code red}, green 10, blue 20. */
    private void rgb(String name, int height, int width, int red) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (red << 16) | (10 << 8) | 20);
            }
        }
        ImageIO.write(image, "png", file.toFile());
    }

    @BeforeEach
    void images() throws IOException {
        rgb("001.Bird/a.png", 2, 3, 100);
        rgb("001.Bird/b.png", 2, 3, 110);
        rgb("002.Duck/c.png", 2, 3, 120);
        rgb("002.Duck/d.png", 2, 3, 130);
        rgb("002.Duck/e.png", 2, 3, 140);
        rgb("big.png", 4, 6, 150);
    }

    private Path csv(String... rows) throws IOException {
        Path file = dir.resolve("metadata.csv");
        Files.writeString(file, HEADER + "\n" + String.join("\n", rows) + "\n");
        return file;
    }

    private static MetadataCsvDataset reader(Path csv) {
        return MetadataCsvDataset.builder().setCsvFile(csv).build();
    }

    @Test
    void loadsTheThreeSplits() throws IOException {
        Path csv =
                csv(
                        "0,001.Bird/a.png,0,0,0,x.jpg",
                        "1,001.Bird/b.png,0,2,1,x.jpg",
                        "2,002.Duck/c.png,1,0,1,x.jpg",
                        "",
                        "3,\"002.Duck/d.png\",1,0,1,x.jpg",
                        "4,002.Duck/e.png,1,1,0,x.jpg",
                        "5,001.Bird/a.png,0,0,1,x.jpg",
                        "6,001.Bird/a.png,0,0,0,x.jpg");
        try (GroupedSplits splits = reader(csv).load()) {
            GroupedArrayDataset train = splits.train();
            assertEquals(new Shape(3, 2, 3), train.sampleShape());
            assertArrayEquals(new int[] {0, 1, 1, 0, 0}, train.labels());
            assertArrayEquals(new int[] {0, 1, 1, 1, 0}, train.attributes());
            // Image 1 (18 bytes on) is c.png: red plane 120, green 10, blue 20.
            assertEquals(120, train.rawBytes()[18] & 0xFF);
            assertEquals(10, train.rawBytes()[18 + 6] & 0xFF);
            assertEquals(20, train.rawBytes()[18 + 12] & 0xFF);
            GroupSpec spec = train.groupSpec();
            assertEquals(2, spec.numClasses());
            assertEquals(2, spec.numAttributes());
            assertArrayEquals(new long[] {2, 1, 0, 2}, spec.groupCounts());
            assertEquals(0, spec.alignedAttribute(0));
            assertEquals(1, spec.alignedAttribute(1));
            assertArrayEquals(new int[] {1}, splits.validation().orElseThrow().labels());
            assertArrayEquals(new int[] {1}, splits.test().orElseThrow().attributes());
            assertEquals(110, splits.test().orElseThrow().rawBytes()[0] & 0xFF);
        }
    }

    private void assertBadRow(Path csv, String... fragments) {
        IOException e = assertThrows(IOException.class, () -> reader(csv).load());
        assertTrue(e.getMessage().contains(csv.toString()), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), e.getMessage());
        }
    }

    @Test
    void badRowsNameTheFileAndTheRow() throws IOException {
        String good = "0,001.Bird/a.png,0,0,0,x.jpg";
        assertBadRow(csv(good, "1,001.Bird/b.png,zero,0,0,x.jpg"), "row 2", "'zero'", "y");
        assertBadRow(csv(good, good, "2,001.Bird/b.png,0,3,0,x.jpg"), "row 3", "split 3");
        assertBadRow(csv(good, "1,001.Bird/b.png,-1,0,0,x.jpg"), "row 2", "y -1");
        assertBadRow(csv(good, "1,001.Bird/missing.png,0,0,0,x.jpg"), "row 2", "missing.png");
        assertBadRow(csv("1,001.Bird/b.png,0"), "row 1", "3 field(s)");
        assertBadRow(csv(good, "1,\"001.Bird/b.png,0,0,0,x.jpg"), "row 2", "unterminated");
    }

    @Test
    void missingColumnIsNamed() throws IOException {
        Path file = dir.resolve("other.csv");
        Files.writeString(file, "img_filename,y,split\n001.Bird/a.png,0,0\n");
        IOException e = assertThrows(IOException.class, () -> reader(file).load());
        assertTrue(e.getMessage().contains("other.csv"), e.getMessage());
        assertTrue(e.getMessage().contains("'place'"), e.getMessage());
    }

    @Test
    void configuredColumnsAndClassCount() throws IOException {
        Path file = dir.resolve("celeba.csv");
        Files.writeString(file, "image_id,Blond_Hair,Male,partition\n001.Bird/a.png,1,0,0\n");
        MetadataCsvDataset reader =
                MetadataCsvDataset.builder()
                        .setCsvFile(file)
                        .optFileColumn("image_id")
                        .optLabelColumn("Blond_Hair")
                        .optAttributeColumn("Male")
                        .optSplitColumn("partition")
                        .optNumClasses(2)
                        .optNumAttributes(2)
                        .build();
        try (GroupedSplits splits = reader.load()) {
            assertEquals(4, splits.groupSpec().numGroups());
            assertArrayEquals(new long[] {0, 0, 1, 0}, splits.trainGroupCounts());
        }
        Files.writeString(file, "image_id,Blond_Hair,Male,partition\n001.Bird/a.png,2,0,0\n");
        IOException e = assertThrows(IOException.class, reader::load);
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        assertTrue(e.getMessage().contains("Blond_Hair 2 out of range [0, 2)"), e.getMessage());
    }

    @Test
    void mixedSizesNeedATargetSize() throws IOException {
        Path csv = csv("0,001.Bird/a.png,0,0,0,x", "1,big.png,1,0,1,x");
        IOException e = assertThrows(IOException.class, () -> reader(csv).load());
        assertTrue(e.getMessage().contains("big.png"), e.getMessage());
        assertTrue(e.getMessage().contains("row 2"), e.getMessage());

        MetadataCsvDataset resizing =
                MetadataCsvDataset.builder().setCsvFile(csv).optTargetSize(3, 3).build();
        try (GroupedSplits splits = resizing.load()) {
            GroupedArrayDataset train = splits.train();
            assertEquals(new Shape(3, 3, 3), train.sampleShape());
            // A constant image stays constant when resized.
            assertEquals(150, train.rawBytes()[27] & 0xFF);
            assertEquals(150, train.rawBytes()[27 + 8] & 0xFF);
            assertEquals(20, train.rawBytes()[27 + 26] & 0xFF);
        }
    }

    @Test
    void bilinearResizeByHand() {
        // Row [0, 100] widened to 4: source x = (x + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25,
        // clamped to [0, 1] -> 0, 25, 75, 100.
        byte[] out = ImageCodec.resizeBilinear(new byte[] {0, 100}, 1, 1, 2, 1, 4);
        assertArrayEquals(new byte[] {0, 25, 75, 100}, out);
        // 2x2 [[0, 40], [80, 120]] to 1x1: the centre, mean 60.
        assertArrayEquals(
                new byte[] {60}, ImageCodec.resizeBilinear(new byte[] {0, 40, 80, 120}, 1, 2, 2, 1, 1));
    }
}
