/**
 * Device selection and environment description: one place decides whether Debias runs on a GPU
 * or on the CPU, and one place describes the DJL engine, PyTorch version, flavour and devices for
 * bug reports.
 */
package dev.debias.device;
