/*
 * Shared by instr and massif (see profiler.h).
 */
#include <string.h>

#include "child.h"
#include "profiler.h"

char *pb_valgrind_version(const char *what)
{
    char a0[] = "valgrind", a1[] = "--version";
    char *const argv[] = { a0, a1, NULL };
    pb_child c = { .argv = argv, .in = PB_CHILD_DEVNULL, .out = PB_CHILD_CAPTURE,
                   .err = PB_CHILD_DEVNULL, .what = what };
    pb_str out = { 0 };
    if (pb_child_run(&c, &out) != 0 || !out.len) {
        pb_str_free(&out);
        return NULL;
    }
    out.s[strcspn(out.s, "\r\n")] = '\0';
    return out.s;
}

void pb_context_add_sizes(cJSON *ctx, const pb_ints *sizes)
{
    if (sizes->n == 1) {
        cJSON_AddNumberToObject(ctx, "n", (double)sizes->v[0]);
        return;
    }
    cJSON *arr = cJSON_AddArrayToObject(ctx, "n");
    for (size_t i = 0; arr && i < sizes->n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)sizes->v[i]));
}
