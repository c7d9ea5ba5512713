/* jsonx: validating getters for request bodies. */
#include "core/jsonx.h"

#include <string.h>

#include "core/buf.h"
#include "core/date.h"
#include "core/utf8.h"

bool jx_has(json_t *obj, const char *key)
{
	return json_object_get(obj, key) != NULL;
}

bool jx_in(const char *value, const char *const *values)
{
	for (; value && *values; values++)
		if (strcmp(value, *values) == 0)
			return true;
	return false;
}

/* Shared start of every getter: present, not null, else `required` decides. */
static json_t *present(json_t *obj, const char *key, const char *prefix, bool required,
		       struct verrors *e)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v)) {
		if (required)
			verrors_addf(e, prefix, key, "required");
		return NULL;
	}
	return v;
}

const char *jx_string(json_t *obj, const char *key, const char *prefix, bool required,
		      size_t max_chars, struct verrors *e)
{
	json_t *v = present(obj, key, prefix, required, e);
	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		verrors_addf(e, prefix, key, "type_string");
		return NULL;
	}
	const char *s = json_string_value(v);
	if (json_string_length(v) != strlen(s)) {	/* a \u0000 inside */
		verrors_addf(e, prefix, key, "invalid_text");
		return NULL;
	}
	return jx_text(s, key, prefix, required, max_chars, e);
}

const char *jx_text(const char *s, const char *key, const char *prefix, bool required,
		    size_t max_chars, struct verrors *e)
{
	if (!s) {
		if (required)
			verrors_addf(e, prefix, key, "required");
		return NULL;
	}
	size_t bytes = strlen(s);
	if (!utf8_valid(s, bytes)) {
		verrors_addf(e, prefix, key, "invalid_text");
		return NULL;
	}
	if (bytes == 0 || strspn(s, " ") == bytes) {
		verrors_addf(e, prefix, key, required ? "required" : "empty");
		return NULL;
	}
	if (utf8_length(s) > max_chars) {
		verrors_addf(e, prefix, key, "too_long");
		return NULL;
	}
	if (utf8_has_control(s)) {
		verrors_addf(e, prefix, key, "control_character");
		return NULL;
	}
	return s;
}

/* What jx_name and jx_text_name add to jx_string and jx_text. */
static const char *shown(const char *s, const char *key, const char *prefix, struct verrors *e)
{
	enum utf8_hidden hidden = s ? utf8_hidden_char(s) : UTF8_SHOWN;
	if (hidden != UTF8_SHOWN) {
		verrors_addf(e, prefix, key, hidden == UTF8_BIDI ? "name_bidi" : "name_invisible");
		return NULL;
	}
	return s;
}

const char *jx_name(json_t *obj, const char *key, const char *prefix, bool required,
		    size_t max_chars, struct verrors *e)
{
	return shown(jx_string(obj, key, prefix, required, max_chars, e), key, prefix, e);
}

const char *jx_text_name(const char *s, const char *key, const char *prefix, bool required,
			 size_t max_chars, struct verrors *e)
{
	return shown(jx_text(s, key, prefix, required, max_chars, e), key, prefix, e);
}

const char *jx_enum(json_t *obj, const char *key, const char *prefix, bool required,
		    const char *const *values, struct verrors *e)
{
	json_t *v = present(obj, key, prefix, required, e);
	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		verrors_addf(e, prefix, key, "type_string");
		return NULL;
	}
	return jx_text_enum(json_string_value(v), key, prefix, required, values, e);
}

const char *jx_text_enum(const char *s, const char *key, const char *prefix, bool required,
			 const char *const *values, struct verrors *e)
{
	if (!s) {
		if (required)
			verrors_addf(e, prefix, key, "required");
		return NULL;
	}
	for (; *values; values++)
		if (strcmp(s, *values) == 0)
			return *values;
	verrors_addf(e, prefix, key, "unknown_value");
	return NULL;
}

const char *jx_date(json_t *obj, const char *key, const char *prefix, bool required,
		    struct verrors *e)
{
	json_t *v = present(obj, key, prefix, required, e);
	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		verrors_addf(e, prefix, key, "invalid_date");
		return NULL;
	}
	return jx_text_date(json_string_value(v), key, prefix, required, e);
}

const char *jx_text_date(const char *s, const char *key, const char *prefix, bool required,
			 struct verrors *e)
{
	int y, m, d;
	if (!s) {
		if (required)
			verrors_addf(e, prefix, key, "required");
		return NULL;
	}
	if (!date_parse(s, &y, &m, &d)) {
		verrors_addf(e, prefix, key, "invalid_date");
		return NULL;
	}
	return s;
}

bool jx_int(json_t *obj, const char *key, const char *prefix, bool required, int64_t min,
	    int64_t max, int64_t *out, struct verrors *e)
{
	json_t *v = present(obj, key, prefix, required, e);
	if (!v)
		return false;
	if (!json_is_integer(v)) {
		verrors_addf(e, prefix, key, "type_integer");
		return false;
	}
	int64_t i = json_integer_value(v);
	if (i < min || i > max) {
		verrors_addf(e, prefix, key, "out_of_range");
		return false;
	}
	*out = i;
	return true;
}

const char *jx_code(json_t *obj, const char *key, const char *prefix, bool required,
		    int digits, struct verrors *e)
{
	json_t *v = present(obj, key, prefix, required, e);
	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		verrors_addf(e, prefix, key, "type_string");
		return NULL;
	}
	const char *s = json_string_value(v);
	if (strlen(s) != json_string_length(v)) {
		verrors_addf(e, prefix, key, "invalid_code");
		return NULL;
	}
	return jx_text_code(s, key, prefix, required, digits, e);
}

const char *jx_text_code(const char *s, const char *key, const char *prefix, bool required,
			 int digits, struct verrors *e)
{
	if (!s) {
		if (required)
			verrors_addf(e, prefix, key, "required");
		return NULL;
	}
	size_t n = strlen(s);
	bool ok = strspn(s, "0123456789") == n;
	if (digits)
		ok = ok && n == (size_t)digits;
	else
		ok = ok && (n == 2 || n == 4 || n == 6 || n == 9 || n == 12);
	if (!ok) {
		verrors_addf(e, prefix, key, "invalid_code");
		return NULL;
	}
	return s;
}

void jx_only(json_t *obj, const char *const *allowed, const char *prefix, struct verrors *e)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		(void)v;
		if (!jx_in(key, allowed))
			verrors_addf(e, prefix, key, "unknown_field");
	}
}

bool jx_number(json_t *obj, const char *key, const char *prefix, bool required, double min,
	       double max, double *out, struct verrors *e)
{
	json_t *v = present(obj, key, prefix, required, e);
	if (!v)
		return false;
	if (!json_is_number(v)) {
		verrors_addf(e, prefix, key, "type_number");
		return false;
	}
	double d = json_number_value(v);
	if (!(d >= min && d <= max)) {	/* NaN fails too */
		verrors_addf(e, prefix, key, "out_of_range");
		return false;
	}
	*out = d;
	return true;
}

bool jx_bool(json_t *obj, const char *key, const char *prefix, bool required, bool *out,
	     struct verrors *e)
{
	json_t *v = present(obj, key, prefix, required, e);
	if (!v)
		return false;
	if (!json_is_boolean(v)) {
		verrors_addf(e, prefix, key, "type_boolean");
		return false;
	}
	*out = json_is_true(v);
	return true;
}

/* ---------------------------------------------------------------- pairs */

const char *jx_pairs_get(const struct jx_pairs *p, const char *key)
{
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->key[i], key) == 0)
			return p->val[i];
	return NULL;
}

bool jx_pairs_has(const struct jx_pairs *p, const char *key)
{
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->key[i], key) == 0)
			return true;
	return false;
}

void jx_pairs_set(struct jx_pairs *p, const char *key, const char *val)
{
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->key[i], key) == 0) {
			p->val[i] = val;
			return;
		}
	if (p->n < JX_PAIRS_MAX) {
		p->key[p->n] = key;
		p->val[p->n++] = val;
	}
}

void jx_pairs_only(const struct jx_pairs *p, const char *const *allowed, const char *prefix,
		   struct verrors *e)
{
	for (int i = 0; i < p->n; i++)
		if (!jx_in(p->key[i], allowed))
			verrors_addf(e, prefix, p->key[i], "unknown_field");
}

/* A JSON string as jansson's json_dumps writes it (UTF-8 kept, no slash escaped). */
static void dump_string(struct buf *b, const char *s)
{
	static const char special[] = "\"\\\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d"
		"\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f";
	buf_putc(b, '"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		size_t plain = strcspn((const char *)c, special);	/* copied as they are */
		if (plain) {
			buf_add(b, c, plain);
			c += plain;
			if (!*c)
				break;
		}
		switch (*c) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\b': buf_puts(b, "\\b"); break;
		case '\f': buf_puts(b, "\\f"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		default:
			if (*c < 0x20)
				buf_printf(b, "\\u%04X", *c);
			else
				buf_putc(b, (char)*c);
		}
	}
	buf_putc(b, '"');
}

void jx_dump_sorted(struct buf *b, int n, const char *const *key, const char *const *val,
		    const bool *raw)
{
	int order[JX_PAIRS_MAX * 2];
	int m = 0;
	for (int i = 0; i < n && m < (int)(sizeof(order) / sizeof(order[0])); i++) {
		if (!val[i])
			continue;
		int at = m++;
		while (at > 0 && strcmp(key[order[at - 1]], key[i]) > 0) {
			order[at] = order[at - 1];
			at--;
		}
		order[at] = i;
	}
	buf_putc(b, '{');
	for (int k = 0; k < m; k++) {
		int i = order[k];
		if (k)
			buf_putc(b, ',');
		dump_string(b, key[i]);
		buf_putc(b, ':');
		if (raw && raw[i])
			buf_puts(b, val[i]);
		else
			dump_string(b, val[i]);
	}
	buf_putc(b, '}');
}
