/** File helpers shared by every writer in Debias: atomic writes of files and directories. */
package dev.debias.io;
