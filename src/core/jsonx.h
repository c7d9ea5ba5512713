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
/* A person's name: jx_string's checks, and no character that does not show
 * (utf8_hidden_char): a bidirectional control is name_bidi, another format character
 * (a zero-width space, U+FEFF, a soft hyphen, ...) name_invisible. Every name of a person
 * the domain takes (a petition's requester, a walk-in, a member, ...) comes through here
 * or jx_text_name, so a name stored is the name shown. */
const char *jx_name(json_t *obj, const char *key, const char *prefix, bool required,
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
/* The same checks on a text given outside JSON (an import's cell), NULL being "not given":
 * jx_string, jx_enum, jx_date and jx_code call these once they have the string. */
const char *jx_text(const char *s, const char *key, const char *prefix, bool required,
		    size_t max_chars, struct verrors *e);
const char *jx_text_name(const char *s, const char *key, const char *prefix, bool required,
			 size_t max_chars, struct verrors *e);
const char *jx_text_enum(const char *s, const char *key, const char *prefix, bool required,
			 const char *const *values, struct verrors *e);
const char *jx_text_date(const char *s, const char *key, const char *prefix, bool required,
			 struct verrors *e);
const char *jx_text_code(const char *s, const char *key, const char *prefix, bool required,
			 int digits, struct verrors *e);

/* A flat object of texts without jansson: the import gives a household and its members
 * this way (each value a string; NULL is not given). Keys and values are borrowed. */
#define JX_PAIRS_MAX 16
struct jx_pairs {
	int n;
	const char *key[JX_PAIRS_MAX];
	const char *val[JX_PAIRS_MAX];
};
const char *jx_pairs_get(const struct jx_pairs *p, const char *key);
bool jx_pairs_has(const struct jx_pairs *p, const char *key);
/* Sets key to val (replacing a value it had); past JX_PAIRS_MAX keys, nothing is added. */
void jx_pairs_set(struct jx_pairs *p, const char *key, const char *val);
/* jx_only for pairs. */
void jx_pairs_only(const struct jx_pairs *p, const char *const *allowed, const char *prefix,
		   struct verrors *e);
struct buf;
/* Appends the JSON object of the n keys whose val is not NULL, keys in byte order and
 * written as json_dumps(JSON_COMPACT | JSON_SORT_KEYS) writes them; raw[i] (raw may be NULL)
 * says val[i] is JSON text already (a number, an array), else it is a string. At most
 * 2 * JX_PAIRS_MAX keys. */
void jx_dump_sorted(struct buf *b, int n, const char *const *key, const char *const *val,
		    const bool *raw);
/* True when `key` is present (null included). */
bool jx_has(json_t *obj, const char *key);
/* True when value is in the NULL-terminated list. */
bool jx_in(const char *value, const char *const *values);
#endif
