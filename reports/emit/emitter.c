/*
 * The emitter's backends: the console (each column formatted by pb_format
 * and padded to its width) and JSON (a cJSON object of named arrays of
 * row objects; numbers raw, null when absent). One writer's calls drive
 * either; see emit.h.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "emit.h"

struct pb_emitter {
    pb_backend backend;
    FILE      *out;            /* console */
    cJSON     *root;           /* JSON: the object built */
    cJSON     *row;            /* JSON: the current row object */
    int        cells;          /* console: cells printed on this row */
};

static pb_emitter *emitter_new(pb_backend b)
{
    pb_emitter *e = calloc(1, sizeof *e);
    if (e)
        e->backend = b;
    return e;
}

pb_emitter *pb_emitter_console(FILE *out)
{
    pb_emitter *e = emitter_new(PB_BACKEND_CONSOLE);
    if (e)
        e->out = out;
    return e;
}

pb_emitter *pb_emitter_json(void)
{
    pb_emitter *e = emitter_new(PB_BACKEND_JSON);
    if (e && !(e->root = cJSON_CreateObject())) {
        free(e);
        return NULL;
    }
    return e;
}

void pb_emitter_free(pb_emitter *e)
{
    if (!e)
        return;
    cJSON_Delete(e->root);
    free(e);
}

pb_backend pb_emitter_backend(const pb_emitter *e)
{
    return e->backend;
}

cJSON *pb_emitter_json_take(pb_emitter *e)
{
    cJSON *root = e->root;
    e->root = NULL;
    e->row = NULL;
    return root;
}

/* v as a JSON item: the raw number (null when absent), a string, a bool. */
static cJSON *json_value(pb_value v)
{
    switch (v.type) {
    case PB_V_TEXT:
        return cJSON_CreateString(v.s ? v.s : "");
    case PB_V_BOOL:
        return cJSON_CreateBool(v.a != 0);
    case PB_V_NONE:
        return cJSON_CreateNull();
    case PB_V_NUMBER:
        return isfinite(v.a) ? cJSON_CreateNumber(v.a) : cJSON_CreateNull();
    case PB_V_ARROW:
    case PB_V_REDUCTION: {
        cJSON *pair = cJSON_CreateArray();
        double x[2] = { v.a, v.b };
        for (int i = 0; pair && i < 2; i++)
            cJSON_AddItemToArray(pair, x[i] >= 0 && isfinite(x[i])
                                     ? cJSON_CreateNumber(x[i]) : cJSON_CreateNull());
        return pair;
    }
    default:
        return v.a >= 0 && isfinite(v.a) ? cJSON_CreateNumber(v.a) : cJSON_CreateNull();
    }
}

void pb_emit_kv(pb_emitter *e, const char *key, pb_value v)
{
    if (e->backend == PB_BACKEND_JSON && e->root)
        cJSON_AddItemToObject(e->root, key, json_value(v));
}

void pb_emit_array(pb_emitter *e, const char *key)
{
    if (e->backend == PB_BACKEND_JSON && e->root &&
        !cJSON_GetObjectItemCaseSensitive(e->root, key))
        cJSON_AddArrayToObject(e->root, key);
}

void pb_emit_row_begin(pb_emitter *e, const char *array)
{
    e->cells = 0;
    if (e->backend != PB_BACKEND_JSON || !e->root)
        return;
    pb_emit_array(e, array);
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(e->root, array);
    e->row = cJSON_CreateObject();
    if (e->row)
        cJSON_AddItemToArray(arr, e->row);
}

void pb_emit_field(pb_emitter *e, const char *key, pb_value v)
{
    if (e->backend == PB_BACKEND_JSON && e->row)
        cJSON_AddItemToObject(e->row, key, json_value(v));
}

void pb_emit_col(pb_emitter *e, const pb_column *col, pb_value v)
{
    if (e->backend == PB_BACKEND_JSON) {
        if (col->key)
            pb_emit_field(e, col->key, v);
        return;
    }
    if (col->hidden)
        return;
    char text[512];
    pb_format(text, sizeof text, e->backend, v);
    fprintf(e->out, "%s%*s", col->sep ? col->sep : "", col->width, text);
    e->cells++;
}

void pb_emit_row_end(pb_emitter *e)
{
    if (e->backend == PB_BACKEND_JSON)
        e->row = NULL;
    else if (e->cells)          /* a row of JSON-only fields prints nothing */
        fputc('\n', e->out);
    e->cells = 0;
}

void pb_emit_text(pb_emitter *e, const char *fmt, ...)
{
    if (e->backend == PB_BACKEND_JSON)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(e->out, fmt, ap);
    va_end(ap);
}
