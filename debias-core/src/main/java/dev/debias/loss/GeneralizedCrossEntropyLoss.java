package dev.debias.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import dev.debias.data.GroupedLabels;
import dev.debias.ndarray.Scalars;

/**
 * Generalized cross-entropy (GCE) of Zhang and Sabuncu, "Generalized Cross Entropy Loss for
 * Training Deep Neural Networks with Noisy Labels" (NeurIPS 2018), the loss that trains the
 * intentionally biased model of LfF (Nam et al., NeurIPS 2020), DisEnt (Lee et al., NeurIPS 2021)
 * and DCWP (Park et al., CVPR 2023).
 *
 * <p>With \(p_{y_i}\) the softmax probability of sample {@code i}'s label, two forms exist:
 *
 * <ul>
 *   <li>{@link Form#PAPER}: \(\mathrm{GCE}_i = (1 - p_{y_i}^q) / q\), whose gradient is
 *       \(p_{y_i}^q\,\nabla \mathrm{CE}_i\); it tends to cross-entropy as \(q \to 0\) and is
 *       bounded by \(1/q\).
 *   <li>{@link Form#LFF} (default), as coded in LfF and DisEnt: \(\mathrm{GCE}_i = \mathrm{CE}_i
 *       \cdot q \cdot \mathrm{detach}(p_{y_i})^q\). Its gradient is \(q\,p_{y_i}^q\,\nabla
 *       \mathrm{CE}_i\), the paper's gradient scaled by {@code q}, and its value differs from the
 *       paper's.
 * </ul>
 *
 * <p>{@code q} defaults to 0.7. Inputs: logits {@code [B, K]} at {@code predictions.head()},
 * labels at column {@link GroupedLabels#LABEL}. {@link #evaluate(NDList, NDList)} returns the batch
 * mean and throws if it is NaN or infinite.
 */
public final class GeneralizedCrossEntropyLoss extends LabelLoss {

    /** The value of {@code q} used by LfF, DisEnt and DCWP. */
    public static final float DEFAULT_Q = 0.7f;

    /** Which formula the loss computes. */
    public enum Form {
        /** \((1 - p_y^q) / q\), the formula of the GCE paper. */
        PAPER,
        /** \(\mathrm{CE} \cdot q \cdot \mathrm{detach}(p_y)^q\), as coded in LfF and DisEnt. */
        LFF
    }

    private final float q;
    private final Form form;

    /** Creates the loss with {@code q = 0.7} in the {@link Form#LFF} form. */
    public GeneralizedCrossEntropyLoss() {
        this(DEFAULT_Q, Form.LFF);
    }

    /**
     * Creates the loss.
     *
     * @param q the exponent, in {@code (0, 1]}
     * @param form the formula to compute
     * @throws IllegalArgumentException if {@code q} is outside {@code (0, 1]}
     */
    public GeneralizedCrossEntropyLoss(float q, Form form) {
        this("GeneralizedCrossEntropy", q, form);
    }

    /**
     * Creates the loss with a display name.
     *
     * @param name the name shown by DJL's training listeners
     * @param q the exponent, in {@code (0, 1]}
     * @param form the formula to compute
     * @throws IllegalArgumentException if {@code q} is outside {@code (0, 1]}
     */
    public GeneralizedCrossEntropyLoss(String name, float q, Form form) {
        super(name);
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("GCE needs q in (0, 1], got " + q);
        }
        if (form == null) {
            throw new IllegalArgumentException("GCE needs a form (PAPER or LFF)");
        }
        this.q = q;
        this.form = form;
    }

    /**
     * Returns the exponent {@code q}.
     *
     * @return q
     */
    public float getQ() {
        return q;
    }

    /**
     * Returns the formula this loss computes.
     *
     * @return the form
     */
    public Form getForm() {
        return form;
    }

    /**
     * Returns the per-sample GCE of logits and labels.
     *
     * @param logits the logits {@code [B, K]}
     * @param labels the class labels {@code [B]}
     * @return the per-sample losses, shape {@code [B]}
     * @throws IllegalArgumentException if the shapes do not match or a label is out of range
     */
    public NDArray ofLogits(NDArray logits, NDArray labels) {
        NDArray logPy = CrossEntropy.labelLogProbability(logits, labels);
        if (form == Form.PAPER) {
            // (1 - exp(q log p_y)) / q
            return Scalars.div(Scalars.mul(logPy, q).exp().neg().add(1f), q);
        }
        // -log p_y * q * exp(q log p_y), the factor without gradient
        NDArray factor = Scalars.mul(Scalars.mul(logPy.stopGradient(), q).exp(), q);
        return logPy.neg().mul(factor);
    }

    /** {@inheritDoc} */
    @Override
    protected NDArray perSampleOfLogits(NDArray logits, NDArray labels) {
        return ofLogits(logits, labels);
    }
}
