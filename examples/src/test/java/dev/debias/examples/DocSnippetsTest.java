package dev.debias.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Every Java snippet of the README and the docs compiles against the current API. A complete
 * program (with its imports and class) compiles as it stands; a fragment compiles as the body of a
 * method, with the variables it uses named in an {@code <!-- context: Type name, ... -->} comment
 * right before it. Only blocks marked {@code java signatures} (API listings) and {@code java
 * outline} (a sketch with holes) are not compiled.
 */
class DocSnippetsTest {

    private static final Pattern BLOCK =
            Pattern.compile("(?:<!--\\s*context:(.*?)-->\\s*\\n)?```java([^\\n]*)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern PUBLIC_CLASS = Pattern.compile("public (?:final )?class (\\w+)");

    private static final String IMPORTS =
            String.join(
                    "\n",
                    "import ai.djl.*;",
                    "import ai.djl.ndarray.*;",
                    "import ai.djl.ndarray.types.*;",
                    "import ai.djl.nn.*;",
                    "import ai.djl.training.*;",
                    "import ai.djl.training.dataset.*;",
                    "import ai.djl.training.evaluator.*;",
                    "import ai.djl.training.listener.*;",
                    "import ai.djl.training.loss.*;",
                    "import dev.debias.augment.*;",
                    "import dev.debias.data.*;",
                    "import dev.debias.gan.*;",
                    "import dev.debias.gan.cyclegan.*;",
                    "import dev.debias.loss.*;",
                    "import dev.debias.metrics.*;",
                    "import dev.debias.model.*;",
                    "import dev.debias.pruning.*;",
                    "import dev.debias.train.*;",
                    "import dev.debias.train.TrainingConfig;",
                    "import dev.debias.train.TrainingResult;",
                    "import java.nio.file.*;",
                    "import java.util.*;",
                    "import java.util.function.*;",
                    "");

    /** One snippet as a compilation unit. */
    private record Unit(String origin, String className, String source) {}

    @Test
    void everyJavaSnippetOfTheDocsCompiles(@TempDir Path out) throws IOException {
        Path root = Paths.get("..").toAbsolutePath().normalize();
        List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> files = Files.walk(root.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<Unit> units = new ArrayList<>();
        int skipped = 0;
        for (Path doc : docs) {
            Matcher m = BLOCK.matcher(Files.readString(doc, StandardCharsets.UTF_8));
            int n = 0;
            while (m.find()) {
                n++;
                String info = m.group(2).trim();
                if (info.equals("signatures") || info.equals("outline")) {
                    skipped++;
                    continue;
                }
                String origin = root.relativize(doc) + " snippet " + n;
                String code = m.group(3);
                Matcher cls = PUBLIC_CLASS.matcher(code);
                if (cls.find()) {
                    units.add(new Unit(origin, cls.group(1), code));
                } else {
                    String name = "Snippet" + units.size();
                    String context = m.group(1) == null ? "" : m.group(1).trim();
                    units.add(new Unit(origin, name, IMPORTS + "final class " + name + " {\n    static void run("
                            + context + ") throws Exception {\n" + code + "\n    }\n}\n"));
                }
            }
        }
        assertTrue(units.size() >= 24, "found only " + units.size() + " snippets");
        // The API listings of five method pages, getting-started.md and writing-a-method.md.
        assertTrue(skipped <= 7, skipped + " snippets are marked as not compiled");

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<JavaFileObject> sources = new ArrayList<>();
        for (Unit unit : units) {
            sources.add(new SimpleJavaFileObject(URI.create("string:///" + unit.className() + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return unit.source();
                }

                @Override
                public String getName() {
                    return unit.origin() + " (" + unit.className() + ".java)";
                }
            });
        }
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options =
                    List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(), "-proc:none");
            compiler.getTask(null, files, diagnostics, options, null, sources).call();
        }
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.add(d.getSource().getName() + ", line " + d.getLineNumber() + ": " + d.getMessage(null));
            }
        }
        assertEquals(List.of(), errors, "doc snippets that do not compile");
    }
}
