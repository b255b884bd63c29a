package dev.debias.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Debias's compiled classes never call DJL's {@code NDArray} arithmetic with a {@code Number}
 * operand whose backward keeps that operand ({@code mul}, {@code div}, {@code pow}, {@code
 * maximum}, {@code minimum} and their in-place and reversed forms): on the PyTorch engine the
 * operand's memory is freed by the next garbage collection while the graph still reads it. They
 * call {@code dev.debias.ndarray.Scalars} instead (its Javadoc tells the story).
 */
class ScalarArithmeticScanTest {

    private static final Set<String> UNSAFE =
            Set.of("mul", "muli", "div", "divi", "pow", "powi", "maximum", "maximumi", "minimum", "minimumi", "rdiv", "rdivi", "rpow", "rpowi");

    private static final Set<String> OWNERS = Set.of("ai/djl/ndarray/NDArray", "ai/djl/pytorch/engine/PtNDArray", "ai/djl/ndarray/BaseNDArray");

    /** Every main class file of the Debias modules on the test class path (directories or jars). */
    private static List<byte[]> debiasClasses() throws IOException {
        List<byte[]> classes = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (path.endsWith("test-classes")) {
                continue; // the library's code, not its tests (this class plants an unsafe call)
            }
            if (Files.isDirectory(path) && Files.isDirectory(path.resolve("dev/debias"))) {
                try (Stream<Path> files = Files.walk(path.resolve("dev/debias"))) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                        classes.add(Files.readAllBytes(f));
                    }
                }
            } else if (entry.endsWith(".jar") && path.getFileName().toString().startsWith("debias-")) {
                try (JarFile jar = new JarFile(path.toFile())) {
                    for (JarEntry e : java.util.Collections.list(jar.entries())) {
                        if (e.getName().startsWith("dev/debias/") && e.getName().endsWith(".class")) {
                            try (InputStream in = jar.getInputStream(e)) {
                                classes.add(in.readAllBytes());
                            }
                        }
                    }
                }
            }
        }
        return classes;
    }

    /** The calls of an unsafe Number overload in one class, as {@code Class.method -> op}. */
    private static Set<String> unsafeCalls(byte[] bytes) {
        Set<String> found = new TreeSet<>();
        ClassReader reader = new ClassReader(bytes);
        String owner = reader.getClassName();
        reader.accept(
                new ClassVisitor(Opcodes.ASM9) {
                    @Override
                    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                        return new MethodVisitor(Opcodes.ASM9) {
                            @Override
                            public void visitMethodInsn(int opcode, String callee, String op, String desc, boolean isInterface) {
                                if (OWNERS.contains(callee) && UNSAFE.contains(op) && desc.startsWith("(Ljava/lang/Number;)")) {
                                    found.add(owner.replace('/', '.') + "." + name + " -> NDArray." + op + "(Number)");
                                }
                            }
                        };
                    }
                },
                ClassReader.SKIP_DEBUG);
        return found;
    }

    @Test
    void noClassCallsAnUnsafeNumberOverload() throws IOException {
        List<byte[]> classes = debiasClasses();
        // core, gan, pruning and examples: hundreds of classes; a class path without them would pass vacuously
        assertTrue(classes.size() > 200, "found only " + classes.size() + " Debias classes on the class path");
        Set<String> calls = new TreeSet<>();
        for (byte[] c : classes) {
            calls.addAll(unsafeCalls(c));
        }
        assertEquals(Set.of(), calls, "use dev.debias.ndarray.Scalars instead");
    }

    @Test
    void theScanFindsAnUnsafeCall() throws IOException {
        try (InputStream in = ScalarArithmeticScanTest.class.getResourceAsStream("ScalarArithmeticScanTest$Unsafe.class")) {
            assertEquals(Set.of("dev.debias.examples.ScalarArithmeticScanTest$Unsafe.half -> NDArray.mul(Number)"), unsafeCalls(in.readAllBytes()));
        }
    }

    /** A class that makes the mistake, for the scan's own test. */
    static final class Unsafe {
        static ai.djl.ndarray.NDArray half(ai.djl.ndarray.NDArray x) {
            return x.mul(0.5f);
        }
    }
}
