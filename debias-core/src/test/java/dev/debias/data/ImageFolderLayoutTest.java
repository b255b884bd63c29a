package dev.debias.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderLayoutTest {

    @TempDir Path dir;

    /** Three classes, three attributes, RGB 2x3 images whose pixels encode the sample index. */
    private static GroupedArrayDataset dataset(int[] y, int[] a, GroupSpec spec, int salt) {
        int size = 3 * 2 * 3;
        byte[] pixels = new byte[y.length * size];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7 + salt);
        }
        return GroupedArrayDataset.builder()
                .setImages(pixels, new Shape(3, 2, 3))
                .setLabels(y)
                .optAttributes(a)
                .optGroupSpec(spec)
                .build();
    }

    private static byte[] image(GroupedArrayDataset ds, int i) {
        int size = (int) ds.sampleShape().size();
        byte[] out = new byte[size];
        System.arraycopy(ds.rawBytes(), i * size, out, 0, size);
        return out;
    }

    @Test
    void roundTrip() throws IOException {
        int[] y = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};
        int[] a = {0, 1, 2, 0, 1, 2, 0, 1, 2, 1, 2, 0};
        GroupSpec spec =
                GroupSpec.fromLabels(3, 3, y, a).toBuilder().optDiagonalAlignment().build();
        int[] vy = {2, 1, 0};
        int[] va = {0, 0, 0};
        int[] ty = {0, 1, 2, 2};
        int[] ta = {1, 2, 0, 2};
        Path root = dir.resolve("cmnist").resolve("1pct");
        try (GroupedSplits splits =
                new GroupedSplits(dataset(y, a, spec, 0), dataset(vy, va, spec, 1), dataset(ty, ta, spec, 2))) {
            ImageFolderLayout.write(root, splits);

            // Aligned groups went to align/<y>/, the others to conflict/<y>/.
            assertTrue(Files.isRegularFile(root.resolve("align/0/0_0_0.png")));
            assertTrue(Files.isRegularFile(root.resolve("conflict/0/9_0_1.png")));
            assertTrue(Files.isRegularFile(root.resolve("valid/2/0_2_0.png")));
            assertTrue(Files.isRegularFile(root.resolve("test/1/1_1_2.png")));
            assertEquals(9, countPngs(root.resolve("align")));
            assertEquals(3, countPngs(root.resolve("conflict")));

            try (GroupedSplits back = ImageFolderLayout.load(root)) {
                // Training order: align files then conflict files, each sorted by relative path.
                List<Integer> order = expectedOrder(root, splits.train());
                GroupedArrayDataset train = back.train();
                assertEquals(12, train.size());
                assertEquals(new Shape(3, 2, 3), train.sampleShape());
                for (int k = 0; k < order.size(); k++) {
                    int i = order.get(k);
                    assertEquals(y[i], train.labels()[k]);
                    assertEquals(a[i], train.attributes()[k]);
                    assertArrayEquals(image(splits.train(), i), image(train, k), "sample " + i);
                }
                GroupSpec read = train.groupSpec();
                assertEquals(3, read.numClasses());
                assertEquals(3, read.numAttributes());
                for (int c = 0; c < 3; c++) {
                    assertEquals(c, read.alignedAttribute(c));
                }
                assertArrayEquals(spec.groupCounts(), read.groupCounts());

                GroupedArrayDataset valid = back.validation().orElseThrow();
                assertArrayEquals(new int[] {0, 1, 2}, valid.labels());
                assertArrayEquals(image(splits.validation().get(), 2), image(valid, 0));
                GroupedArrayDataset test = back.test().orElseThrow();
                assertEquals(4, test.size());
                assertEquals(read, test.groupSpec());
            }
        }
    }

    private static List<Integer> expectedOrder(Path root, GroupedArrayDataset train) throws IOException {
        List<Integer> order = new ArrayList<>();
        for (String part : new String[] {"align", "conflict"}) {
            Path base = root.resolve(part);
            try (Stream<Path> files = Files.walk(base)) {
                for (Path p :
                        files.filter(Files::isRegularFile)
                                .sorted(Comparator.comparing(p -> base.relativize(p).toString()))
                                .collect(Collectors.toList())) {
                    order.add(Integer.parseInt(p.getFileName().toString().split("_")[0]));
                }
            }
        }
        assertEquals(train.size(), order.size());
        return order;
    }

    private static long countPngs(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".png")).count();
        }
    }

    private static void gray(Path file, int height, int width, int value) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int yy = 0; yy < height; yy++) {
            for (int xx = 0; xx < width; xx++) {
                image.getRaster().setSample(xx, yy, 0, value + xx + yy);
            }
        }
        ImageIO.write(image, "png", file.toFile());
    }

    @Test
    void readsFlatValidAndTestBesideTheRoot() throws IOException {
        Path root = dir.resolve("bffhq").resolve("0.5pct");
        gray(root.resolve("align/0/a_0_0.png"), 4, 5, 10);
        gray(root.resolve("align/1/b_1_1.png"), 4, 5, 20);
        gray(root.resolve("conflict/1/c_1_0.png"), 4, 5, 30);
        gray(dir.resolve("bffhq/valid/7_1_0.png"), 4, 5, 40);
        gray(dir.resolve("bffhq/valid/sub/8_0_1.png"), 4, 5, 50);
        gray(dir.resolve("bffhq/test/9_0_0.png"), 4, 5, 60);
        Files.writeString(root.resolve("align/0/README.txt"), "not an image");
        try (GroupedSplits splits = ImageFolderLayout.load(root)) {
            GroupedArrayDataset train = splits.train();
            assertEquals(new Shape(1, 4, 5), train.sampleShape());
            assertArrayEquals(new int[] {0, 1, 1}, train.labels());
            assertArrayEquals(new int[] {0, 1, 0}, train.attributes());
            assertEquals(10, train.rawBytes()[0]);
            assertEquals(30 + 1 + 2, train.rawBytes()[2 * 20 + 5 + 2]);
            assertEquals(2, train.groupSpec().numClasses());
            // Valid: "7_1_0.png" sorts before "sub/8_0_1.png".
            GroupedArrayDataset valid = splits.validation().orElseThrow();
            assertArrayEquals(new int[] {1, 0}, valid.labels());
            assertArrayEquals(new int[] {0, 1}, valid.attributes());
            assertEquals(1, splits.test().orElseThrow().size());
        }
    }

    @Test
    void noTestFolderMeansNoTestSplit() throws IOException {
        Path root = dir.resolve("only");
        gray(root.resolve("align/0/a_0_0.png"), 2, 2, 0);
        Files.createDirectories(root.resolve("conflict"));
        try (GroupedSplits splits = ImageFolderLayout.load(root)) {
            assertFalse(splits.test().isPresent());
            assertFalse(splits.validation().isPresent());
        }
    }

    @Test
    void badFileNamesAreNamed() throws IOException {
        Path root = dir.resolve("bad");
        gray(root.resolve("align/0/a_0_0.png"), 2, 2, 0);
        gray(root.resolve("conflict/0/0_1.png"), 2, 2, 0);
        IOException e = assertThrows(IOException.class, () -> ImageFolderLayout.load(root));
        assertTrue(e.getMessage().contains("0_1.png"), e.getMessage());
        assertTrue(e.getMessage().contains("at least 3"), e.getMessage());

        Files.delete(root.resolve("conflict/0/0_1.png"));
        gray(root.resolve("conflict/0/0_x_1.png"), 2, 2, 0);
        e = assertThrows(IOException.class, () -> ImageFolderLayout.load(root));
        assertTrue(e.getMessage().contains("0_x_1.png"), e.getMessage());
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    }

    @Test
    void mixedSizesOrChannelsAreNamed() throws IOException {
        Path root = dir.resolve("mixed");
        gray(root.resolve("align/0/a_0_0.png"), 2, 2, 0);
        gray(root.resolve("conflict/0/b_0_1.png"), 3, 2, 0);
        IOException e = assertThrows(IOException.class, () -> ImageFolderLayout.load(root));
        assertTrue(e.getMessage().contains("b_0_1.png"), e.getMessage());

        Files.delete(root.resolve("conflict/0/b_0_1.png"));
        Path rgb = root.resolve("conflict/0/c_0_1.png");
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR), "png", rgb.toFile());
        e = assertThrows(IOException.class, () -> ImageFolderLayout.load(root));
        assertTrue(e.getMessage().contains("c_0_1.png"), e.getMessage());
        assertTrue(e.getMessage().contains("(3, 2, 2)"), e.getMessage());
    }

    @Test
    void missingConflictFolderIsNamed() throws IOException {
        Path root = dir.resolve("typo");
        gray(root.resolve("align/0/a_0_0.png"), 2, 2, 0);
        gray(root.resolve("conlict/0/b_0_1.png"), 2, 2, 0);
        IOException e = assertThrows(IOException.class, () -> ImageFolderLayout.load(root));
        assertTrue(e.getMessage().contains(root.resolve("conflict").toString()), e.getMessage());
    }

    @Test
    void testClassesMustOccurInTraining() throws IOException {
        Path root = dir.resolve("classes");
        gray(root.resolve("align/0/a_0_0.png"), 2, 2, 0);
        gray(root.resolve("conflict/1/b_1_0.png"), 2, 2, 0);
        gray(root.resolve("test/2/c_2_0.png"), 2, 2, 0);
        IOException e = assertThrows(IOException.class, () -> ImageFolderLayout.load(root));
        assertTrue(e.getMessage().contains("c_2_0.png"), e.getMessage());
    }

    @Test
    void writeRejectsFloatFeatures() {
        GroupedArrayDataset floats =
                GroupedArrayDataset.builder()
                        .setFeatures(new float[3], new Shape(1, 1, 3))
                        .setLabels(new int[] {0})
                        .optAttributes(new int[] {0})
                        .build();
        try (GroupedSplits splits = new GroupedSplits(floats, null, null)) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> ImageFolderLayout.write(dir.resolve("x"), splits));
            assertFalse(Files.exists(dir.resolve("x")));
        }
    }

    private static GroupedSplits smallSplits() {
        int[] y = {0, 1, 2, 0, 1, 2};
        int[] a = {0, 1, 2, 1, 2, 0};
        GroupSpec spec = GroupSpec.fromLabels(3, 3, y, a).toBuilder().optDiagonalAlignment().build();
        return new GroupedSplits(dataset(y, a, spec, 0), null, null);
    }

    @Test
    void writingNeverReplacesWhatDebiasDidNotWrite() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "mine");
        Path folder = Files.createDirectories(dir.resolve("photos"));
        Files.writeString(folder.resolve("cat.jpg"), "meow");
        try (GroupedSplits splits = smallSplits()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFolderLayout.write(file, splits));
            assertTrue(e.getMessage().contains("is a file"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ImageFolderLayout.write(folder, splits));
            assertTrue(e.getMessage().contains("did not write"), e.getMessage());
            assertEquals("mine", Files.readString(file));
            assertEquals("meow", Files.readString(folder.resolve("cat.jpg")));
            // An earlier Debias dataset is replaced, and a tree an interrupted write left is removed.
            Path root = dir.resolve("cmnist");
            ImageFolderLayout.write(root, splits);
            Path leftover = Files.createDirectories(dir.resolve(".cmnist.k1ll3d"));
            Files.writeString(leftover.resolve(ImageFolderLayout.MARKER), "written by Debias\n");
            ImageFolderLayout.write(root, splits);
            assertTrue(Files.isRegularFile(root.resolve(ImageFolderLayout.MARKER)));
            assertFalse(Files.exists(leftover));
        }
    }

    @Test
    void writtenFilesFollowTheUmaskNotPrivateTempFilePermissions() throws IOException {
        Path probe = Files.createFile(dir.resolve("probe"));
        var expected = Files.getPosixFilePermissions(probe);
        try (GroupedSplits splits = smallSplits()) {
            Path root = dir.resolve("layout");
            ImageFolderLayout.write(root, splits);
            assertEquals(expected, Files.getPosixFilePermissions(root.resolve(ImageFolderLayout.MARKER)));
            dev.debias.io.AtomicFiles.writeString(dir.resolve("atomic.txt"), "x");
            assertEquals(expected, Files.getPosixFilePermissions(dir.resolve("atomic.txt")));
        }
    }

    @Test
    void aHugeLabelIsNamedInsteadOfExhaustingMemory() throws IOException {
        Path root = dir.resolve("huge");
        gray(root.resolve("align/0/0_0_0.png"), 2, 2, 10);
        gray(root.resolve("conflict/0/1_99999999_1.png"), 2, 2, 20);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageFolderLayout.load(root));
        assertTrue(e.getMessage().contains("more than the " + GroupSpec.MAX_GROUPS), e.getMessage());
    }
}
