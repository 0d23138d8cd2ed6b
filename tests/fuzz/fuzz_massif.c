/*
 * libFuzzer target: the report's MASSIF.json loader (pb_rep_massif_load,
 * which reads a path) over arbitrary bytes written to one temporary file,
 * NUL bytes included; then the lookups the report makes. Built by `make
 * fuzz`.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../reports/report_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/pb-fuzz-massif-%ld.json", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    static report R;
    char err[1024];
    if (pb_rep_massif_load(&R, path, err, sizeof err) == 0) {
        (void)pb_rep_massif_case(&R, "c", "naive", "s");
        (void)pb_rep_massif_has(&R, "c", "s");
        pb_rep_massif_free(&R);
    }
    remove(path);
    return 0;
}
