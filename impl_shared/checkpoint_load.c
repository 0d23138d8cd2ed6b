/*
 * checkpoint_load: ckpt_load() of checkpoint.h, the one reader of both
 * kinds of checkpoint (the tests, the scenarios' verification and the
 * fuzz target use it). O(file size): one read, one cJSON parse, one walk.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "pairbench/checkpoint.h"

#define LOAD_MAX (1LL << 30)

/* A non-negative integer member that a double holds exactly. */
static int int_member(const cJSON *o, const char *name, int64_t *v)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsNumber(m))
        return -1;
    double d = m->valuedouble;
    if (!(d >= 0 && d <= 9007199254740992.0) || d != (double)(int64_t)d)
        return -1;
    *v = (int64_t)d;
    return 0;
}

static uint64_t digest(uint64_t d, const char *s)
{
    for (; *s; s++)
        d = (d ^ (unsigned char)*s) * 0x100000001b3ULL;
    return (d ^ 0xff) * 0x100000001b3ULL;
}

/* Which count a status falls in: 0 pending .. 3 done, 4 other. */
static int status_slot(const char *s)
{
    static const char *const known[] = { "pending", "in_progress", "blocked", "done" };
    for (int i = 0; i < 4; i++)
        if (strcmp(s, known[i]) == 0)
            return i;
    return 4;
}

static int check(const cJSON *root, ckpt_info *info)
{
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(root, "kind");
    int64_t version;
    if (!cJSON_IsObject(root) || !cJSON_IsString(fmt) ||
        strcmp(fmt->valuestring, "pairbench-checkpoint") != 0 ||
        int_member(root, "version", &version) != 0 || version != 1 ||
        !cJSON_IsString(kind) || int_member(root, "taken_at", &info->taken_at) != 0)
        return -1;
    if (strcmp(kind->valuestring, "full") == 0)
        info->full = 1;
    else if (strcmp(kind->valuestring, "minimal") != 0)
        return -1;
    const cJSON *counts = cJSON_GetObjectItemCaseSensitive(root, "counts");
    int64_t *slot[5] = { &info->pending, &info->in_progress, &info->blocked, &info->done,
                         &info->other };
    static const char *const names[5] = { "pending", "in_progress", "blocked", "done",
                                          "other" };
    if (!cJSON_IsObject(counts) || int_member(counts, "total", &info->total) != 0)
        return -1;
    int64_t sum = 0;
    for (int i = 0; i < 5; i++) {
        if (int_member(counts, names[i], slot[i]) != 0)
            return -1;
        sum += *slot[i];
    }
    if (sum != info->total)
        return -1;
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(root, "in_progress");
    if (!cJSON_IsArray(ids))
        return -1;
    const char *prev = NULL;
    const cJSON *id;
    cJSON_ArrayForEach(id, ids) {
        if (!cJSON_IsString(id) || (prev && strcmp(prev, id->valuestring) > 0))
            return -1;
        prev = id->valuestring;
        info->in_progress_digest = digest(info->in_progress_digest, prev);
        info->in_progress_listed++;
    }
    if (info->in_progress_listed != info->in_progress)
        return -1;
    const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(root, "tasks");
    if (!info->full)
        return tasks ? -1 : 0;
    if (!cJSON_IsArray(tasks))
        return -1;
    int64_t seen[5] = { 0 };
    const cJSON *t;
    cJSON_ArrayForEach(t, tasks) {
        const cJSON *tid = cJSON_GetObjectItemCaseSensitive(t, "id");
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(t, "status");
        if (!cJSON_IsObject(t) || !cJSON_IsString(tid) || !cJSON_IsString(st))
            return -1;
        seen[status_slot(st->valuestring)]++;
        info->tasks_listed++;
    }
    for (int i = 0; i < 5; i++)
        if (seen[i] != *slot[i])
            return -1;
    return info->tasks_listed == info->total ? 0 : -1;
}

int ckpt_load(const char *path, ckpt_info *out)
{
    if (!out)
        return CK_EINVAL;
    memset(out, 0, sizeof *out);
    if (!path)
        return CK_EINVAL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? CK_ENOENT : CK_EIO;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return CK_EIO;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > LOAD_MAX) {
        close(fd);
        return S_ISREG(st.st_mode) ? CK_ECORRUPT : CK_EIO;
    }
    size_t len = (size_t)st.st_size;
    char *buf = malloc(len + 1);
    if (!buf) {
        close(fd);
        return CK_ENOMEM;
    }
    size_t got = 0;
    while (got < len) {
        ssize_t k = read(fd, buf + got, len - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    int read_error = got < len;
    close(fd);
    if (read_error) {
        free(buf);
        return CK_EIO;
    }
    buf[len] = '\0';
    cJSON *root = memchr(buf, '\0', len) ? NULL : cJSON_ParseWithLength(buf, len);
    free(buf);
    if (!root)
        return CK_ECORRUPT;
    ckpt_info info;
    memset(&info, 0, sizeof info);
    int rc = check(root, &info) == 0 ? CK_OK : CK_ECORRUPT;
    cJSON_Delete(root);
    if (rc == CK_OK)
        *out = info;
    return rc;
}
