/*
 * ready_tasks_index_queries: what impl_naive/ready_tasks_index.c and
 * impl_optimized/ready_tasks_index.c share, since the seed's fix does not
 * touch it: the connection, the SQL of every query (the same text for
 * both) and the row loops. An implementation is its index DDL.
 */
#ifndef PAIRBENCH_READY_TASKS_INDEX_QUERIES_H
#define PAIRBENCH_READY_TASKS_INDEX_QUERIES_H

#include "pairbench/ready_tasks_index.h"

/* Opens path, runs ddl (NULL for none) and prepares the statements. */
int  rti_q_open(const char *path, const char *ddl, ready_tasks_index **out);
void rti_q_close(ready_tasks_index *r);
struct sqlite3 *rti_q_db(ready_tasks_index *r);
const char *rti_q_error(ready_tasks_index *r);

int rti_q_ready(ready_tasks_index *r, rti_task *out, size_t cap, size_t *n);
int rti_q_by_epic(ready_tasks_index *r, const char *epic, rti_task *out, size_t cap,
                  size_t *n);
int rti_q_by_parent(ready_tasks_index *r, const char *parent, rti_task *out, size_t cap,
                    size_t *n);
int rti_q_dependents(ready_tasks_index *r, const char *task, rti_task *out, size_t cap,
                     size_t *n);
int rti_q_events(ready_tasks_index *r, const char *task, const char *type, rti_event *out,
                 size_t cap, size_t *n);
int rti_q_quality(ready_tasks_index *r, const char *task, const char *dimension,
                  double *mean, int64_t *count);

/* The SQL of the queries, in the order above (for EXPLAIN QUERY PLAN). */
extern const char *const rti_q_sql[6];
extern const char *const rti_q_names[6];

#endif
