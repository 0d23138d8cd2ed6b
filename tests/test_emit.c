/*
 * One formatter per unit: the same figure formats identically through every
 * backend (console, JSON text, Markdown, HTML), the glyphs aside ("us" and
 * "µs", "x" and "×", "->" and "→"); the renderings are the documented
 * ones; the console emitter prints exactly what pb_format gives, padded,
 * and the JSON emitter writes the raw numbers, null when absent.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "../reports/emit/emit.h"

/* s with the rich glyphs replaced by the ASCII ones, into out. */
static void ascii(char *out, size_t cap, const char *s)
{
    static const char *const from[] = { "\xc2\xb5", "\xc3\x97", "\xe2\x86\x92" };
    static const char *const to[] = { "u", "x", "->" };
    size_t o = 0;
    while (*s && o + 3 < cap) {
        size_t k = 0;
        for (; k < 3; k++)
            if (strncmp(s, from[k], strlen(from[k])) == 0)
                break;
        if (k < 3) {
            memcpy(out + o, to[k], strlen(to[k]));
            o += strlen(to[k]);
            s += strlen(from[k]);
        } else {
            out[o++] = *s++;
        }
    }
    out[o] = '\0';
}

static const double figures[] = {
    -1, 0, 0.004, 0.1, 0.3125, 1, 2.0625, 8.06, 9.994, 9.996, 48.149, 99.94,
    99.96, 100, 512, 999.4, 999.96, 1000, 2284.7, 9995, 12345.6, 99950, 152e6,
    1023, 1024, 88300, 1048576, 3.3e9, 1e4, 10000, 100000, 1e6, NAN, INFINITY,
};

static void test_same_everywhere(void **state)
{
    (void)state;
    static const pb_vtype types[] = { PB_V_TIME, PB_V_BYTES, PB_V_COUNT,
                                      PB_V_RATIO, PB_V_PERCENT, PB_V_N };
    const pb_backend backends[] = { PB_BACKEND_JSON, PB_BACKEND_MARKDOWN,
                                    PB_BACKEND_HTML };
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++)
        for (size_t f = 0; f < sizeof figures / sizeof figures[0]; f++) {
            if (types[t] == PB_V_N && !(figures[f] >= 0 && isfinite(figures[f])))
                continue;
            pb_value v = { types[t], PB_V_NONE, figures[f], 0, NULL };
            char console[64], other[64], plain[64];
            pb_format(console, sizeof console, PB_BACKEND_CONSOLE, v);
            for (size_t b = 0; b < sizeof backends / sizeof backends[0]; b++) {
                pb_format(other, sizeof other, backends[b], v);
                ascii(plain, sizeof plain, other);
                if (strcmp(console, plain) != 0)
                    fail_msg("type %d, %g: console '%s', backend %d '%s'",
                             (int)types[t], figures[f], console, (int)backends[b], other);
            }
        }
    /* pairs and reductions too */
    pb_value pairs[] = { PB_ARROW(PB_V_COUNT, 2, 0), PB_ARROW(PB_V_BYTES, 88300, -1),
                         PB_ARROW(PB_V_TIME, 6130, 100), PB_REDUCTION(2, 0.1),
                         PB_REDUCTION(1, 1), PB_REDUCTION(0, 3), PB_REDUCTION(2, 0.001) };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char console[96], html[96], plain[96];
        pb_format(console, sizeof console, PB_BACKEND_CONSOLE, pairs[i]);
        pb_format(html, sizeof html, PB_BACKEND_HTML, pairs[i]);
        ascii(plain, sizeof plain, html);
        assert_string_equal(console, plain);
    }
}

static void expect(pb_backend b, pb_value v, const char *want)
{
    char buf[96];
    pb_format(buf, sizeof buf, b, v);
    if (strcmp(buf, want) != 0)
        fail_msg("got '%s', want '%s'", buf, want);
}

static void test_renderings(void **state)
{
    (void)state;
    const pb_backend C = PB_BACKEND_CONSOLE, H = PB_BACKEND_HTML;
    expect(C, PB_TIME(48.149), "48.1 ns");
    expect(C, PB_TIME(5.25), "5.25 ns");
    expect(C, PB_TIME(2284.7), "2.28 us");
    expect(H, PB_TIME(2284.7), "2.28 \xc2\xb5s");
    expect(C, PB_TIME(152e6), "152 ms");
    expect(C, PB_TIME(3.3e9), "3.30 s");
    expect(C, PB_TIME(-1), "-");
    expect(C, PB_TIME(NAN), "-");
    expect(C, PB_BYTES(1023), "1023 B");
    expect(C, PB_BYTES(88300), "86.2 KiB");
    expect(C, PB_BYTES(1048576), "1.0 MiB");
    expect(C, PB_COUNT(0.1), "0.1");
    expect(C, PB_COUNT(8.06), "8.06");
    expect(C, PB_COUNT(25000), "25000");
    expect(C, PB_COUNT(1234.4), "1234");
    expect(C, PB_COUNT(999.4), "999");
    expect(C, PB_RATIO(52.34), "52.3x");
    expect(H, PB_RATIO(52.34), "52.3\xc3\x97");
    expect(C, PB_RATIO(4.651), "4.65x");
    expect(C, PB_RATIO(152.3), "152x");
    expect(C, PB_RATIO(-1), "-");
    expect(C, PB_N(10000), "10k");
    expect(C, PB_N(1000000), "1M");
    expect(C, PB_N(512), "512");
    expect(C, PB_N(1500), "1500");
    expect(C, PB_CV(0.09, 0.10), "9%");
    expect(C, PB_CV(0.12, 0.10), "12%!");
    expect(C, PB_CV(-1, 0.10), " ");
    expect(C, PB_ARROW(PB_V_COUNT, 2, 0), "2 -> 0");
    expect(H, PB_ARROW(PB_V_COUNT, 2, 0), "2 \xe2\x86\x92 0");
    expect(C, PB_REDUCTION(2, 0), "2 -> 0 (100% fewer)");
    expect(C, PB_REDUCTION(2, 3), "2 -> 3 (50% more)");
    expect(C, PB_REDUCTION(1000, 1), "1000 -> 1 (99.9% fewer)");
}

static void test_console_cells(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    pb_emitter *e = pb_emitter_console(f);
    assert_non_null(e);
    const pb_column key = { "key", -8, NULL, 0 }, t = { "t", 10, " ", 0 },
                    hidden = { "h", 4, " ", 1 };
    pb_emit_row_begin(e, "rows");
    pb_emit_col(e, &key, PB_TEXT("a/b"));
    pb_emit_col(e, &t, PB_TIME(2284.7));
    pb_emit_col(e, &hidden, PB_NUMBER(7));
    pb_emit_field(e, "json_only", PB_NUMBER(1));
    pb_emit_row_end(e);
    pb_emit_row_begin(e, "other");            /* JSON only: no empty line */
    pb_emit_field(e, "x", PB_NUMBER(1));
    pb_emit_row_end(e);
    pb_emit_kv(e, "k", PB_NUMBER(1));
    pb_emit_text(e, "end\n");
    pb_emitter_free(e);
    fclose(f);
    assert_string_equal(text, "a/b         2.28 us\nend\n");
    free(text);
}

static void test_json_rows(void **state)
{
    (void)state;
    pb_emitter *e = pb_emitter_json();
    assert_non_null(e);
    const pb_column t = { "ns", 10, " ", 0 }, console = { NULL, 4, " ", 0 };
    pb_emit_kv(e, "limit", PB_NUMBER(0.1));
    pb_emit_array(e, "first");
    pb_emit_array(e, "rows");
    pb_emit_text(e, "ignored %d\n", 1);
    pb_emit_row_begin(e, "rows");
    pb_emit_field(e, "name", PB_TEXT("a"));
    pb_emit_col(e, &t, PB_TIME(12.5));
    pb_emit_col(e, &console, PB_TEXT("not in json"));
    pb_emit_field(e, "absent", PB_TIME(-1));
    pb_emit_field(e, "negative", PB_NUMBER(-0.5));
    pb_emit_field(e, "inf", PB_NUMBER(-INFINITY));
    pb_emit_field(e, "flag", PB_BOOL(1));
    pb_emit_row_end(e);
    cJSON *root = pb_emitter_json_take(e);
    pb_emitter_free(e);
    char *s = cJSON_PrintUnformatted(root);
    assert_string_equal(s, "{\"limit\":0.1,\"first\":[],\"rows\":[{\"name\":\"a\","
                           "\"ns\":12.5,\"absent\":null,\"negative\":-0.5,"
                           "\"inf\":null,\"flag\":true}]}");
    free(s);
    cJSON_Delete(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_everywhere),
        cmocka_unit_test(test_renderings),
        cmocka_unit_test(test_console_cells),
        cmocka_unit_test(test_json_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
