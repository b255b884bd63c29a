package dev.debias.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Writes files and directories so that readers never see a half-written result: the content goes
 * to a temporary sibling first and is then renamed into place.
 */
public final class AtomicFiles {

    private AtomicFiles() {}

    /** Writes content into a path; may throw {@link IOException}. */
    @FunctionalInterface
    public interface PathWriter {

        /**
         * Writes into {@code path}.
         *
         * @param path the temporary path to fill
         * @throws IOException if writing fails
         */
        void write(Path path) throws IOException;
    }

    /** Writes to an output stream; may throw {@link IOException}. */
    @FunctionalInterface
    public interface StreamWriter {

        /**
         * Writes to {@code out}.
         *
         * @param out the stream of the temporary file
         * @throws IOException if writing fails
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes a file atomically through a stream.
     *
     * @param target the final path
     * @param writer fills the temporary file
     * @throws IOException if writing or renaming fails; the target is then untouched
     */
    public static void write(Path target, StreamWriter writer) throws IOException {
        writeFile(
                target,
                tmp -> {
                    try (OutputStream out = Files.newOutputStream(tmp)) {
                        writer.write(out);
                    }
                });
    }

    /**
     * Writes a UTF-8 text file atomically.
     *
     * @param target the final path
     * @param text the content
     * @throws IOException if writing fails
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Writes a file atomically: {@code writer} fills a temporary sibling, which then replaces
     * {@code target}.
     *
     * @param target the final path
     * @param writer fills the temporary path
     * @throws IOException if writing or renaming fails; the target is then untouched
     */
    public static void writeFile(Path target, PathWriter writer) throws IOException {
        Path dir = parentOf(target);
        Files.createDirectories(dir);
        Path tmp = newSibling(dir, "." + target.getFileName() + ".", ".tmp", false);
        try {
            writer.write(tmp);
            move(tmp, target);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /**
     * Builds a directory atomically: {@code writer} fills a temporary sibling directory, which
     * then replaces {@code target} (an existing target is removed only after the new content is
     * complete).
     *
     * @param target the final directory
     * @param writer fills the temporary directory
     * @throws IOException if writing or renaming fails; the target is then untouched
     */
    public static void writeDirectory(Path target, PathWriter writer) throws IOException {
        Path dir = parentOf(target);
        Files.createDirectories(dir);
        Path tmp = newSibling(dir, "." + target.getFileName() + ".", "", true);
        try {
            writer.write(tmp);
            if (Files.exists(target)) {
                Path old = newSibling(dir, "." + target.getFileName() + ".old.", "", true);
                Files.delete(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                move(tmp, target);
                deleteRecursively(old);
            } else {
                move(tmp, target);
            }
        } catch (IOException | RuntimeException | Error e) {
            deleteRecursively(tmp);
            throw e;
        }
    }

    /**
     * Deletes a file or a directory tree if it exists.
     *
     * @param path the path
     * @throws IOException if deletion fails
     */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        Files.walkFileTree(
                path,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                            throws IOException {
                        Files.delete(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException e)
                            throws IOException {
                        if (e != null) {
                            throw e;
                        }
                        Files.delete(d);
                        return FileVisitResult.CONTINUE;
                    }
                });
    }

    /**
     * Creates a new file or directory with a random name in {@code dir}. Unlike {@code
     * Files.createTempFile}, whose files are private (0600), it is created with the process's
     * umask, so the renamed result has the permissions of any other file the process writes.
     */
    private static Path newSibling(Path dir, String prefix, String suffix, boolean directory) throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; ; attempt++) {
            Path candidate = dir.resolve(prefix + Long.toUnsignedString(random.nextLong(), 36) + suffix);
            try {
                return directory ? Files.createDirectory(candidate) : Files.createFile(candidate);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    private static Path parentOf(Path target) {
        Path abs = target.toAbsolutePath();
        Path parent = abs.getParent();
        if (parent == null) {
            throw new UncheckedIOException(new IOException("no parent directory for " + target));
        }
        return parent;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
