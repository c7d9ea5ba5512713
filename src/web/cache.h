/*
 * cache: rendered responses kept in memory, keyed by a string that names exactly what was
 * rendered (e.g. household id, version, language and day), so an entry never needs
 * invalidating: a change makes a new key and the old entry ages out.
 * Bounded: CACHE_SLOTS entries of at most CACHE_MAX_VALUE bytes each.
 */
#ifndef ANJU_CACHE_H
#define ANJU_CACHE_H
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#define CACHE_SLOTS 4096
#define CACHE_MAX_VALUE (64 * 1024)

/* Appends the cached value for key to out; false when absent. */
bool cache_get(const char *key, struct buf *out);
/* Stores a copy of value under key, replacing whatever shared its slot. */
void cache_put(const char *key, const char *value, size_t len);
/* Drops every entry (tests, shutdown). */
void cache_clear(void);
#endif
