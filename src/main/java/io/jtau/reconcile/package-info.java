/** The work queue and the project reconciler: ingest, diff, plan, apply, summarize. */
package io.jtau.reconcile;
