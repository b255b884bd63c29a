/**
 * Grouped datasets: samples that carry a class label, a bias attribute, a group id and a stable
 * sample index, the {@link dev.debias.data.GroupSpec} that describes their groups, readers for the
 * on-disk formats of the debiasing literature (IDX files of MNIST, the align/conflict image folders
 * released with DisEnt, Lee et al., NeurIPS 2021, and the metadata CSV of the Group DRO releases,
 * Sagawa et al., ICLR 2020), and builders of the benchmark datasets (Colored MNIST after Nam et
 * al., "Learning from Failure", NeurIPS 2020).
 */
package dev.debias.data;
