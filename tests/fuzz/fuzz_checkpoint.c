/*
 * libFuzzer target: the checkpoint loader (ckpt_load, which reads a path)
 * over arbitrary bytes written to one temporary file, NUL bytes included.
 * Built by `make fuzz`.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pairbench/checkpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/pb-fuzz-checkpoint-%ld.json", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    fclose(f);
    ckpt_info info;
    int rc = ckpt_load(path, &info);
    if (rc == CK_OK && info.in_progress_listed != info.in_progress)
        abort();                          /* a document the loader vouched for */
    remove(path);
    return 0;
}
