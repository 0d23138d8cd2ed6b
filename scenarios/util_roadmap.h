/*
 * util_roadmap: the fixtures of the database group's scenarios
 * (ready_tasks_index, n_plus_one, health_cache, checkpoint). A roadmap of N
 * tasks is built once per process as a template database in the harness's
 * scratch directory, from a seed of N alone (so every scenario and every
 * implementation sees the same roadmap), and copied into the case's
 * private directory for each fixture. Nothing here is measured.
 */
#ifndef PAIRBENCH_SCENARIOS_UTIL_ROADMAP_H
#define PAIRBENCH_SCENARIOS_UTIL_ROADMAP_H

#include <stddef.h>
#include <stdint.h>

#include "pairbench/harness.h"

enum {
    PB_ROADMAP_INDEXED = 1,  /* the template has the seed's indexes
                                (ROADMAP_SEED_INDEXES) and ANALYZE's
                                statistics */
    PB_ROADMAP_WAL     = 2   /* the copy is switched to journal_mode=WAL
                                (persistent in the file) */
};

/* Copies the template of n tasks into the case directory as roadmap.db,
 * with the flags above, and writes its path to path. 0, or -1 after
 * pb_setup_failed(ctx, why). */
int pb_roadmap_fixture(pb_ctx *ctx, int64_t n, unsigned flags, char *path, size_t cap);

/* The size of the file at path in bytes, -1 if it cannot be stat()ed. */
long long pb_file_size(const char *path);
/* The steady state of a fixture that only reads its database: NULL when
 * the file at path still has `size` bytes, else one line in why. */
const char *pb_file_unchanged(const char *path, long long size, char *why, size_t cap);

#endif
