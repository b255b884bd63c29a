package dev.debias.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.SplittableRandom;

/**
 * A built-in stand-in for MNIST when the real files are absent: 28 x 28 grayscale digits drawn
 * as pen strokes with random thickness, size, rotation, shear and position, seeded and
 * deterministic. It needs no fonts and no network.
 *
 * <p>It exists so that the demo and the examples run anywhere; numbers measured on it are not
 * comparable with published MNIST results, and every program that falls back to it says so.
 */
public final class SyntheticDigits {

    private static final int SIZE = 28;

    private SyntheticDigits() {}

    /**
     * Generates training and test splits with balanced classes.
     *
     * @param trainCount the number of training images
     * @param testCount the number of test images
     * @param seed the seed
     * @return the splits, in the same form as {@link Mnist#load()}
     */
    public static MnistSplits generate(int trainCount, int testCount, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] trainLabels = new int[trainCount];
        IdxImages train = render(trainLabels, random);
        int[] testLabels = new int[testCount];
        IdxImages test = render(testLabels, random);
        return new MnistSplits(train, trainLabels, test, testLabels);
    }

    private static IdxImages render(int[] labels, SplittableRandom random) {
        byte[] pixels = new byte[labels.length * SIZE * SIZE];
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        byte[] raster = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < labels.length; i++) {
            int digit = random.nextInt(10);
            labels[i] = digit;
            Graphics2D g = image.createGraphics();
            try {
                g.setColor(Color.BLACK);
                g.fillRect(0, 0, SIZE, SIZE);
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
                g.setColor(Color.WHITE);
                float width = 1.6f + (float) random.nextDouble() * 1.6f;
                g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(placement(random).createTransformedShape(strokes(digit, random)));
            } finally {
                g.dispose();
            }
            System.arraycopy(raster, 0, pixels, i * SIZE * SIZE, SIZE * SIZE);
        }
        return new IdxImages(labels.length, SIZE, SIZE, pixels);
    }

    /** Maps the unit box (x right, y down) to a jittered 20 x 20 box centred in the image. */
    private static AffineTransform placement(SplittableRandom random) {
        double scale = 15 + random.nextDouble() * 6;
        AffineTransform t = new AffineTransform();
        t.translate(14 + (random.nextDouble() - 0.5) * 4, 14 + (random.nextDouble() - 0.5) * 4);
        t.rotate((random.nextDouble() - 0.5) * 0.5);
        t.shear((random.nextDouble() - 0.5) * 0.4, 0);
        t.scale(scale * (0.75 + random.nextDouble() * 0.25), scale);
        t.translate(-0.5, -0.5);
        return t;
    }

    private static Shape strokes(int digit, SplittableRandom r) {
        Path2D.Double p = new Path2D.Double();
        double j = 0.06;
        switch (digit) {
            case 0:
                p.append(new Ellipse2D.Double(0.15 + jit(r, j), 0.0, 0.7, 1.0), false);
                break;
            case 1:
                p.append(new Line2D.Double(0.55 + jit(r, j), 0.0, 0.5 + jit(r, j), 1.0), false);
                p.append(new Line2D.Double(0.55, 0.0, 0.35 + jit(r, j), 0.2 + jit(r, j)), false);
                break;
            case 2:
                p.append(new Arc2D.Double(0.1, 0.0, 0.8, 0.55, 160, -200, Arc2D.OPEN), false);
                p.append(new Line2D.Double(0.82, 0.4, 0.1 + jit(r, j), 1.0), false);
                p.append(new Line2D.Double(0.1, 1.0, 0.9 + jit(r, j), 1.0 + jit(r, j)), false);
                break;
            case 3:
                p.append(new Arc2D.Double(0.15, 0.0, 0.7, 0.5, 150, -240, Arc2D.OPEN), false);
                p.append(new Arc2D.Double(0.1, 0.45 + jit(r, j), 0.8, 0.55, 90, -260, Arc2D.OPEN), false);
                break;
            case 4:
                p.append(new Line2D.Double(0.6 + jit(r, j), 0.0, 0.1, 0.65), false);
                p.append(new Line2D.Double(0.1, 0.65, 0.95, 0.65 + jit(r, j)), false);
                p.append(new Line2D.Double(0.65, 0.2, 0.65 + jit(r, j), 1.0), false);
                break;
            case 5:
                p.append(new Line2D.Double(0.85 + jit(r, j), 0.0, 0.2, 0.0), false);
                p.append(new Line2D.Double(0.2, 0.0, 0.15 + jit(r, j), 0.45), false);
                p.append(new Arc2D.Double(0.1, 0.35, 0.8, 0.65, 150, -280, Arc2D.OPEN), false);
                break;
            case 6:
                p.append(new Arc2D.Double(0.1, 0.0, 1.2, 1.4, 90, 90, Arc2D.OPEN), false);
                p.append(new Ellipse2D.Double(0.1, 0.45 + jit(r, j), 0.75, 0.55), false);
                break;
            case 7:
                p.append(new Line2D.Double(0.1, 0.0 + jit(r, j), 0.9, 0.0), false);
                p.append(new Line2D.Double(0.9, 0.0, 0.35 + jit(r, j), 1.0), false);
                break;
            case 8:
                p.append(new Ellipse2D.Double(0.2 + jit(r, j), 0.0, 0.6, 0.45), false);
                p.append(new Ellipse2D.Double(0.12, 0.45, 0.76, 0.55), false);
                break;
            case 9:
            default:
                p.append(new Ellipse2D.Double(0.15, 0.0, 0.7, 0.5 + jit(r, j)), false);
                p.append(new Line2D.Double(0.85, 0.25, 0.75 + jit(r, j), 1.0), false);
                break;
        }
        return p;
    }

    private static double jit(SplittableRandom r, double amount) {
        return (r.nextDouble() - 0.5) * 2 * amount;
    }
}
