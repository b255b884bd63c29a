package dev.debias.train;

import java.io.PrintStream;

/**
 * A one-line console progress bar, redrawn at most a few times per second. When the output is not
 * a terminal (a log file, CI), it prints one plain line per tenth of the run instead.
 */
final class ProgressBar {

    private static final long REDRAW_NANOS = 250_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean interactive = System.console() != null;
    private long lastDraw;
    private long lastTenth = -1;

    ProgressBar(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
    }

    void update(long done, String status) {
        if (!interactive) {
            long tenth = 10 * done / total;
            if (tenth != lastTenth) {
                lastTenth = tenth;
                out.println(label + ": " + done + "/" + total + " " + status);
            }
            return;
        }
        long now = System.nanoTime();
        if (done < total && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        int filled = (int) (WIDTH * done / total);
        StringBuilder sb = new StringBuilder("\r").append(label).append(" [");
        for (int i = 0; i < WIDTH; i++) {
            sb.append(i < filled ? '=' : (i == filled ? '>' : ' '));
        }
        sb.append("] ").append(done).append('/').append(total).append(' ').append(status);
        out.print(sb);
        if (done >= total) {
            out.println();
        }
        out.flush();
    }
}
