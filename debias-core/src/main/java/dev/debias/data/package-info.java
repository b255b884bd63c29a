/**
 * Grouped datasets: samples that carry a class label, a bias attribute, a group id and a stable
 * sample index, the {@link dev.debias.data.GroupSpec} that describes their groups, readers for the
 * on-disk formats of the debiasing literature, and builders of the benchmark datasets (Colored
 * MNIST after Nam et al., "Learning from Failure", NeurIPS 2020).
 */
package dev.debias.data;
