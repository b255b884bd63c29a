/**
 * The {@code debias} command line and runnable examples: environment description, dataset
 * building (Colored MNIST after Nam et al., NeurIPS 2020), training of every method, benchmarks
 * and the demo that compares ERM with the debiasing methods.
 */
package dev.debias.examples;
