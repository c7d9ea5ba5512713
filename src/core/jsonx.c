/* jsonx: validating getters for request bodies. */
#include "core/jsonx.h"

#include <string.h>

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
	size_t bytes = json_string_length(v);
	if (bytes != strlen(s) || !utf8_valid(s, bytes)) {
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
	for (; *values; values++)
		if (strcmp(json_string_value(v), *values) == 0)
			return *values;
	verrors_addf(e, prefix, key, "unknown_value");
	return NULL;
}

const char *jx_date(json_t *obj, const char *key, const char *prefix, bool required,
		    struct verrors *e)
{
	json_t *v = present(obj, key, prefix, required, e);
	int y, m, d;
	if (!v)
		return NULL;
	if (!json_is_string(v) || !date_parse(json_string_value(v), &y, &m, &d)) {
		verrors_addf(e, prefix, key, "invalid_date");
		return NULL;
	}
	return json_string_value(v);
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
	size_t n = strlen(s);
	bool ok = strspn(s, "0123456789") == n && n == json_string_length(v);
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
