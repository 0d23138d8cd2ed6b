/*
 * The report's heap profiles: the MASSIF.json of `pairbench massif`
 * (--massif), checked when loaded, and its cases looked up by component,
 * implementation and scenario.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

/* Loads the MASSIF.json of `pairbench massif` into R->massif: its context
 * must say kind "pairbench-massif" and every case must have string name,
 * component, impl, scenario, a number peak_heap_bytes and a snapshots
 * array of [time, bytes] pairs. 0, or -1 with a one-line reason in err. */
int pb_rep_massif_load(report *R, const char *path, char *err, size_t cap)
{
    char *text = pb_read_file(path, err, cap);
    if (!text)
        return -1;
    int trailing;
    cJSON *root = pb_json_parse(text, &trailing);
    free(text);
    if (trailing) {
        snprintf(err, cap, "%s has text after its JSON value (not one MASSIF.json)",
                 path);
        return -1;
    }
    const cJSON *ctx = jget(root, "context");
    const char *kind = jstr(ctx, "kind");
    const cJSON *cases = jget(root, "cases");
    if (!root || !kind || strcmp(kind, "pairbench-massif") != 0 ||
        !cJSON_IsArray(cases)) {
        snprintf(err, cap, "%s is not a MASSIF.json of 'pairbench massif'%s", path,
                 root ? "" : " (malformed or truncated JSON)");
        cJSON_Delete(root);
        return -1;
    }
    /* every number is checked before the report formats or scales it */
    char why[160];
    double v;
    if (pb_json_number(ctx, "n", PB_INT64_BELOW, 0, &v, why, sizeof why) != 0) {
        snprintf(err, cap, "%s: context: %s", path, why);
        cJSON_Delete(root);
        return -1;
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, cases) {
        const cJSON *snaps = jget(c, "snapshots"), *pt;
        int ok = jstr(c, "name") && jstr(c, "component") && jstr(c, "impl") &&
                 jstr(c, "scenario") && cJSON_IsNumber(jget(c, "peak_heap_bytes")) &&
                 cJSON_IsArray(snaps);
        if (ok)
            cJSON_ArrayForEach(pt, snaps)
                ok &= cJSON_IsArray(pt) && cJSON_GetArraySize(pt) == 2 &&
                      cJSON_IsNumber(cJSON_GetArrayItem(pt, 0)) &&
                      cJSON_IsNumber(cJSON_GetArrayItem(pt, 1));
        if (!ok) {
            const char *name = jstr(c, "name");
            snprintf(err, cap, "%s: case %s lacks name, component, impl, scenario,"
                     " peak_heap_bytes or [time, bytes] snapshots", path,
                     name ? name : "(unnamed)");
            cJSON_Delete(root);
            return -1;
        }
        int bad = pb_json_number(c, "peak_heap_bytes", PB_INT64_BELOW, 0, &v, why,
                                 sizeof why) != 0 ||
                  pb_json_number(c, "peak_time", PB_INT64_BELOW, 0, &v, why,
                                 sizeof why) != 0;
        int at = 0;
        cJSON_ArrayForEach(pt, snaps) {
            if (bad)
                break;
            for (int k = 0; k < 2 && !bad; k++) {
                double x = cJSON_GetArrayItem(pt, k)->valuedouble;
                if (!isfinite(x) || x < 0 || x > PB_INT64_BELOW) {
                    snprintf(why, sizeof why, "snapshots[%d][%d] is %g, out of range"
                             " (want a finite number from 0 to 2^63)", at, k, x);
                    bad = 1;
                }
            }
            at++;
        }
        if (bad) {
            snprintf(err, cap, "%s: case %s: %s", path, jstr(c, "name"), why);
            cJSON_Delete(root);
            return -1;
        }
    }
    R->massif_path = path;
    R->massif = root;
    return 0;
}

/* The massif case of (component, impl, scenario), or NULL. */
const cJSON *pb_rep_massif_case(const report *R, const char *comp, const char *impl,
                                const char *scen)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, jget(R->massif, "cases"))
        if (!strcmp(jstr(c, "component"), comp) && !strcmp(jstr(c, "impl"), impl) &&
            !strcmp(jstr(c, "scenario"), scen))
            return c;
    return NULL;
}

/* 1 when the scenario has a massif profile of naive or optimized. */
int pb_rep_massif_has(const report *R, const char *comp, const char *scen)
{
    return R->massif && (pb_rep_massif_case(R, comp, "naive", scen) ||
                         pb_rep_massif_case(R, comp, "optimized", scen));
}

int pb_rep_massif_has_component(const report *R, const pb_component *c)
{
    for (size_t s = 0; s < c->n_scenarios; s++)
        if (pb_rep_massif_has(R, c->name, c->scenarios[s].name))
            return 1;
    return 0;
}

void pb_rep_massif_free(report *R)
{
    cJSON_Delete(R->massif);
    R->massif = NULL;
}
