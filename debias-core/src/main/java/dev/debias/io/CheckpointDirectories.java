package dev.debias.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Directories that are written whole or not at all and checked before they are trusted: every
 * checkpoint Debias writes ({@code best/}, {@code last/}, a phase's {@code complete/}).
 *
 * <p>{@link #write(Path, AtomicFiles.PathWriter)} fills a sibling {@code .<name>.new}, adds a
 * manifest ({@value #MANIFEST}: the size and SHA-256 of every file) as its last file, then swaps it
 * in: the old directory is renamed to {@code .<name>.old}, the new one to {@code <name>}, and the
 * old one is deleted. A process killed at any instant leaves either the old or the new complete
 * directory under one of these three names; {@link #recover(Path)} puts it back in place and
 * removes every leftover. {@link #verify(Path)} checks a directory against its manifest and names
 * the first file that is missing, truncated, extended, corrupt or unexpected.
 */
public final class CheckpointDirectories {

    /** The manifest's file name inside a checkpoint directory. */
    public static final String MANIFEST = "MANIFEST.json";

    private static final int FORMAT = 1;

    private CheckpointDirectories() {}

    /**
     * Writes a directory crash-safely: {@code writer} fills a temporary sibling, a manifest is
     * added, and the result replaces {@code target}.
     *
     * @param target the directory to write
     * @param writer fills the temporary directory
     * @throws IOException if writing fails; {@code target} is then unchanged
     */
    public static void write(Path target, AtomicFiles.PathWriter writer) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path fresh = sibling(target, "new");
        Path old = sibling(target, "old");
        AtomicFiles.deleteRecursively(fresh);
        Files.createDirectory(fresh);
        try {
            writer.write(fresh);
            writeManifest(fresh);
        } catch (IOException | RuntimeException | Error e) {
            AtomicFiles.deleteRecursively(fresh);
            throw e;
        }
        if (Files.exists(target)) {
            AtomicFiles.deleteRecursively(old);
            move(target, old);
            move(fresh, target);
            AtomicFiles.deleteRecursively(old);
        } else {
            move(fresh, target);
        }
    }

    /**
     * Brings a directory written by {@link #write(Path, AtomicFiles.PathWriter)} back into a
     * consistent state after a crash: when {@code target} is missing, the complete new or old copy
     * takes its place; then every leftover sibling ({@code .<name>.*}) is removed.
     *
     * @param target the directory
     * @return true if {@code target} exists afterwards
     * @throws IOException if a rename or deletion fails
     */
    public static boolean recover(Path target) throws IOException {
        Path fresh = sibling(target, "new");
        Path old = sibling(target, "old");
        if (!Files.isDirectory(target)) {
            if (isComplete(fresh)) {
                move(fresh, target);
            } else if (isComplete(old)) {
                move(old, target);
            }
        }
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null && Files.isDirectory(parent)) {
            String prefix = "." + target.getFileName() + ".";
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(parent, p -> p.getFileName().toString().startsWith(prefix))) {
                for (Path leftover : leftovers) {
                    AtomicFiles.deleteRecursively(leftover);
                }
            }
        }
        return Files.isDirectory(target);
    }

    /**
     * Checks every file of a directory against its manifest.
     *
     * @param dir the directory
     * @throws IOException naming the directory, the file and the problem when the manifest is
     *     missing or malformed, a file is missing, has another size or content, or is not listed
     */
    public static void verify(Path dir) throws IOException {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new IOException("checkpoint " + dir + " has no " + MANIFEST + " (written by an older Debias or not complete)");
        }
        Map<String, Long> sizes = new TreeMap<>();
        Map<String, String> digests = new TreeMap<>();
        try {
            JsonObject json = JsonParser.parseString(Files.readString(manifest, StandardCharsets.UTF_8)).getAsJsonObject();
            if (json.get("format").getAsInt() != FORMAT) {
                throw new IOException("checkpoint " + dir + ": unsupported manifest format " + json.get("format"));
            }
            for (Map.Entry<String, JsonElement> e : json.getAsJsonObject("files").entrySet()) {
                JsonObject entry = e.getValue().getAsJsonObject();
                sizes.put(e.getKey(), entry.get("size").getAsLong());
                digests.put(e.getKey(), entry.get("sha256").getAsString());
            }
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
            throw new IOException("checkpoint " + dir + ": " + MANIFEST + " is malformed (" + e.getMessage() + ")", e);
        }
        Set<String> present = new HashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                present.add(p.getFileName().toString());
            }
        }
        present.remove(MANIFEST);
        for (Map.Entry<String, Long> e : sizes.entrySet()) {
            String name = e.getKey();
            Path file = dir.resolve(name);
            if (!present.remove(name) || !Files.isRegularFile(file)) {
                throw new IOException("checkpoint " + dir + ": file " + name + " is missing");
            }
            long size = Files.size(file);
            long expected = e.getValue();
            if (size != expected) {
                throw new IOException(
                        "checkpoint " + dir + ": file " + name + " has " + size + " bytes, the manifest says " + expected
                                + (size < expected ? " (truncated)" : " (data appended)"));
            }
            if (!sha256(file).equals(digests.get(name))) {
                throw new IOException("checkpoint " + dir + ": file " + name + " is corrupt (its SHA-256 differs from the manifest)");
            }
        }
        if (!present.isEmpty()) {
            throw new IOException("checkpoint " + dir + ": unexpected file " + present.iterator().next() + " not in the manifest");
        }
    }

    private static boolean isComplete(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try {
            verify(dir);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeManifest(Path dir) throws IOException {
        JsonObject files = new JsonObject();
        try (Stream<Path> list = Files.list(dir).sorted()) {
            for (Path p : (Iterable<Path>) list::iterator) {
                if (!Files.isRegularFile(p)) {
                    throw new IOException("checkpoint parts must be files, found directory " + p);
                }
                JsonObject entry = new JsonObject();
                entry.addProperty("size", Files.size(p));
                entry.addProperty("sha256", sha256(p));
                files.add(p.getFileName().toString(), entry);
            }
        }
        JsonObject json = new JsonObject();
        json.addProperty("format", FORMAT);
        json.add("files", files);
        Files.writeString(dir.resolve(MANIFEST), json.toString(), StandardCharsets.UTF_8);
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static Path sibling(Path target, String suffix) {
        return target.toAbsolutePath().resolveSibling("." + target.getFileName() + "." + suffix);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }
}
