/*
 * libFuzzer target: the gate's instr-file reader (pb_instr_parse) over
 * arbitrary bytes as JSON text; every accepted case is looked up by name.
 * Built by `make fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../reports/model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[1024];
    pb_instr_file *f = NULL;
    int rc = pb_instr_parse(text, "fuzz.json", &f, err, sizeof err);
    free(text);
    if (rc == 1) {
        for (size_t i = 0; i < f->n; i++)
            if (pb_instr_find(f, f->cases[i].name) != &f->cases[i])
                abort();              /* names are unique: found at home */
        pb_instr_free(f);
    } else if (f) {
        abort();                      /* the contract: NULL unless 1 */
    }
    return 0;
}
