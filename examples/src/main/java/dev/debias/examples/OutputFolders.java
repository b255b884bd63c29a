package dev.debias.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The check the commands that write a whole folder make before they start. */
final class OutputFolders {

    private OutputFolders() {}

    /**
     * Refuses a folder that already holds files, or a path that is a file.
     *
     * @param dir the output folder
     * @param option the command-line option that named it
     * @throws CliException if the folder holds something or is a file
     * @throws IOException if the folder cannot be listed
     */
    static void requireAbsentOrEmpty(Path dir, String option) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var listing = Files.list(dir)) {
                if (listing.findAny().isPresent()) {
                    throw new CliException(option + " " + dir + " already holds files; give an absent or empty folder");
                }
            }
        } else if (Files.exists(dir)) {
            throw new CliException(option + " " + dir + " is a file, not a folder");
        }
    }
}
