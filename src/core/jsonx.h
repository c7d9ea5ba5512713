/*
 * jsonx: typed, range-checked getters over jansson objects that report problems into a
 * verrors list instead of stopping at the first one.
 *
 * Each getter looks up `key` in `obj`; `prefix` is prepended to the key in error fields.
 * A missing key is an error only when `required`. JSON null counts as missing.
 */
#ifndef ANJU_JSONX_H
#define ANJU_JSONX_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/verrors.h"

/* A string of 1..max_chars code points with no control characters; NULL when absent or bad. */
const char *jx_string(json_t *obj, const char *key, const char *prefix, bool required,
		      size_t max_chars, struct verrors *e);
/* One of `values` (NULL-terminated); returns the matching value or NULL. */
const char *jx_enum(json_t *obj, const char *key, const char *prefix, bool required,
		    const char *const *values, struct verrors *e);
/* A YYYY-MM-DD date; returns the string or NULL. */
const char *jx_date(json_t *obj, const char *key, const char *prefix, bool required,
		    struct verrors *e);
/* An integer in [min, max]; returns false when absent or bad. */
bool jx_int(json_t *obj, const char *key, const char *prefix, bool required, int64_t min,
	    int64_t max, int64_t *out, struct verrors *e);
/* A number (integer or real) in [min, max]; returns false when absent or bad. */
bool jx_number(json_t *obj, const char *key, const char *prefix, bool required, double min,
	       double max, double *out, struct verrors *e);
/* true or false; returns false when absent or bad (then *out is unchanged). */
bool jx_bool(json_t *obj, const char *key, const char *prefix, bool required, bool *out,
	     struct verrors *e);
/* A division code of exactly `digits` digits (0 = 2, 4, 6, 9 or 12). */
const char *jx_code(json_t *obj, const char *key, const char *prefix, bool required,
		    int digits, struct verrors *e);
/* Reports every key of obj not listed in `allowed` (NULL-terminated) as unknown_field. */
void jx_only(json_t *obj, const char *const *allowed, const char *prefix, struct verrors *e);
/* True when `key` is present (null included). */
bool jx_has(json_t *obj, const char *key);
/* True when value is in the NULL-terminated list. */
bool jx_in(const char *value, const char *const *values);
#endif
