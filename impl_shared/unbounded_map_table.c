/*
 * unbounded_map_table: open addressing with linear probing and backward-
 * shift deletion (contract and costs in unbounded_map_table.h).
 */
#include "unbounded_map_table.h"

#include <stdlib.h>
#include <string.h>

uint64_t um_hash(const char *key, size_t len)
{
    uint64_t h = um_hash_step(UM_HASH_SEED, (uint64_t)len);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, key + i, 8);
        h = um_hash_step(h, w);
    }
    if (i < len) {
        uint64_t w = 0;
        memcpy(&w, key + i, len - i);
        h = um_hash_step(h, w);
    }
    h ^= h >> 32;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h ? h : 1;
}

int um_table_init(um_table *t)
{
    t->slots = calloc(UM_TABLE_MIN_CAP, sizeof *t->slots);
    t->cap = UM_TABLE_MIN_CAP;
    t->count = 0;
    return t->slots ? 0 : -1;
}

void um_table_free(um_table *t)
{
    if (!t->slots)
        return;
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].hash)
            free(t->slots[i].key);
    free(t->slots);
    t->slots = NULL;
    t->count = 0;
}

static int same_key(const um_slot *s, const char *key, size_t len, uint64_t hash)
{
    return s->hash == hash && s->len == len && memcmp(s->key, key, len) == 0;
}

uint32_t *um_table_find(const um_table *t, const char *key, size_t len, uint64_t hash)
{
    size_t mask = t->cap - 1;
    for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
        um_slot *s = &t->slots[i];
        if (!s->hash)
            return NULL;
        if (same_key(s, key, len, hash))
            return &s->value;
    }
}

/* Puts a slot's contents into the first empty slot of its probe sequence
 * in slots[0..cap), which holds no equal key. */
static void place(um_slot *slots, size_t cap, const um_slot *from)
{
    size_t mask = cap - 1;
    size_t i = (size_t)from->hash & mask;
    while (slots[i].hash)
        i = (i + 1) & mask;
    slots[i] = *from;
}

/* Moves every entry of t into slots (cap) and frees the old array. */
static void rehash(um_table *t, um_slot *slots, size_t cap)
{
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].hash)
            place(slots, cap, &t->slots[i]);
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
}

int um_table_prepare(const um_table *t, const char *key, size_t len, um_table_prep *p)
{
    p->key = malloc(len + 1);
    p->slots = NULL;
    p->cap = 0;
    if (!p->key)
        return -1;
    memcpy(p->key, key, len);
    p->key[len] = '\0';
    if ((t->count + 1) * 4 > t->cap * 3) {
        p->cap = t->cap * 2;
        p->slots = p->cap > t->cap ? calloc(p->cap, sizeof *p->slots) : NULL;
        if (!p->slots) {
            free(p->key);
            p->key = NULL;
            return -1;
        }
    }
    return 0;
}

void um_table_abandon(um_table_prep *p)
{
    free(p->key);
    free(p->slots);
    p->key = NULL;
    p->slots = NULL;
}

void um_table_commit(um_table *t, um_table_prep *p, size_t len, uint64_t hash,
                     uint32_t value)
{
    if (p->slots)
        rehash(t, p->slots, p->cap);
    um_slot s = { .hash = hash, .key = p->key, .len = (uint32_t)len, .value = value };
    place(t->slots, t->cap, &s);
    t->count++;
    p->key = NULL;
    p->slots = NULL;
}

int um_table_delete(um_table *t, const char *key, size_t len, uint64_t hash)
{
    size_t mask = t->cap - 1;
    size_t i = (size_t)hash & mask;
    while (!same_key(&t->slots[i], key, len, hash)) {
        if (!t->slots[i].hash)
            return 0;
        i = (i + 1) & mask;
    }
    free(t->slots[i].key);
    /* Backward shift: walk the run after the hole; an entry whose home is
     * not cyclically in (hole, j] can move back into the hole. */
    size_t hole = i;
    for (size_t j = (i + 1) & mask; t->slots[j].hash; j = (j + 1) & mask) {
        size_t home = (size_t)t->slots[j].hash & mask;
        if (((j - home) & mask) >= ((j - hole) & mask)) {
            t->slots[hole] = t->slots[j];
            hole = j;
        }
    }
    t->slots[hole] = (um_slot){ 0 };
    t->count--;
    return 1;
}

int um_table_shrink(um_table *t)
{
    if (t->cap <= UM_TABLE_MIN_CAP || t->count * 8 >= t->cap)
        return 0;
    size_t cap = UM_TABLE_MIN_CAP;
    while (t->count * 8 > cap * 3)
        cap *= 2;
    um_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    rehash(t, slots, cap);
    return 0;
}
