/*
 * config_storage: storage helpers shared by impl_naive/config_service.c and
 * impl_optimized/config_service.c (not part of any ops table).
 */
#ifndef PAIRBENCH_CONFIG_STORAGE_H
#define PAIRBENCH_CONFIG_STORAGE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "pairbench/config_service.h"

/* 1 when key is 1..CONFIG_KEY_MAX-1 bytes of 0x21..0x7e. */
int   config_key_valid(const char *key);
/* 1 when value is 0..CONFIG_VALUE_MAX-1 bytes of 0x20..0x7e. */
int   config_value_valid(const char *value);
/* The directory of path, malloc'ed: "." when path has no slash, "/" for
 * "/name"; NULL when out of memory. */
char *config_dir_of(const char *path);
/* A service's location: *path_out a copy of path, *dir_out its directory
 * (both malloc'ed, the caller frees them), *io the options' hooks when
 * given (else untouched). 0, or -1 when out of memory (nothing allocated). */
int   config_location_new(const char *path, const config_options *opts, char **path_out,
                          char **dir_out, config_io *io);
/* Loads and validates the storage file (its open through io->load_open when
 * io and the hook are non-NULL): OK with *root NULL for a missing file, else
 * a cJSON object the caller deletes; ECORRUPT (the content is invalid), EIO
 * (the file exists but cannot be opened or read), ENOMEM (an allocation
 * failed, also inside cJSON): *root NULL on every error. */
int   config_load(const char *path, const config_io *io, config_stats *st, cJSON **root);
/* Atomic replace of path by data[0..len) in directory dir, keeping the
 * permission bits of the file replaced (temp created 0600, then fchmod);
 * a new file is 0644 less the umask. With set_aside (the file was read as
 * corrupt), the file being replaced is first kept by a hard link under
 * "<path>.corrupt[.N]" (config_service.h). OK; EIO when a step up to the
 * rename failed (temp file and any new link removed, path untouched);
 * EDIRSYNC when only the directory fsync failed (committed); ENOMEM.
 * *seq numbers the temp files. */
int   config_write_atomic(const char *path, const char *dir, const config_io *io,
                          unsigned *seq, config_stats *st, const char *data,
                          size_t len, int set_aside);
/* Removes the temporaries of dead writers of path from dir (see
 * config_service.h, "Stale temporaries"). Never fails: best effort. */
void  config_remove_stale_temps(const char *path, const char *dir);

#endif
