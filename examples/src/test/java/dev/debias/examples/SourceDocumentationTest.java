package dev.debias.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The project's documentation rules, checked on the sources of every module: each package of
 * main code has a {@code package-info.java}, and each public top-level type has a Javadoc comment.
 */
class SourceDocumentationTest {

    private static final Pattern TYPE =
            Pattern.compile(
                    "^public\\s+(?:(?:final|abstract|sealed)\\s+)*(?:class|interface|enum|record|@interface)\\s+(\\w+)",
                    Pattern.MULTILINE);

    /** The main sources of the modules one or two folders below the project's root. */
    private static List<Path> mainSources() throws IOException {
        Path root = Paths.get("..").toAbsolutePath().normalize();
        List<Path> sources = new ArrayList<>();
        for (Path module : childFolders(root)) {
            addSources(module.resolve("src/main/java"), sources);
            for (Path nested : childFolders(module)) {
                addSources(nested.resolve("src/main/java"), sources);
            }
        }
        sources.sort(null);
        return sources;
    }

    private static List<Path> childFolders(Path folder) throws IOException {
        try (Stream<Path> children = Files.list(folder)) {
            return children.filter(Files::isDirectory).toList();
        }
    }

    private static void addSources(Path sourceRoot, List<Path> into) throws IOException {
        if (Files.isDirectory(sourceRoot)) {
            try (Stream<Path> files = Files.walk(sourceRoot)) {
                files.filter(p -> p.toString().endsWith(".java")).forEach(into::add);
            }
        }
    }

    @Test
    void everyPackageOfMainCodeHasAPackageInfo() throws IOException {
        List<Path> sources = mainSources();
        assertTrue(sources.size() > 100, "found only " + sources.size() + " main sources: wrong root?");
        Set<Path> missing = new TreeSet<>();
        for (Path source : sources) {
            if (!Files.exists(source.resolveSibling("package-info.java"))) {
                missing.add(source.getParent());
            }
        }
        assertEquals(Set.of(), missing, "packages without package-info.java");
    }

    @Test
    void everyPublicTopLevelTypeHasJavadoc() throws IOException {
        Set<String> undocumented = new TreeSet<>();
        for (Path source : mainSources()) {
            String text = Files.readString(source);
            Matcher type = TYPE.matcher(text);
            if (!type.find()) {
                continue;
            }
            String before = text.substring(0, type.start());
            int lastImport = Math.max(before.lastIndexOf("\nimport "), before.lastIndexOf("\npackage "));
            if (!before.substring(Math.max(lastImport, 0)).contains("/**")) {
                undocumented.add(source.getFileName() + " (" + type.group(1) + ")");
            }
        }
        assertEquals(Set.of(), undocumented, "public types without a Javadoc comment");
    }
}
