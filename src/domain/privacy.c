/* privacy: the masks for roles that do not register people; see privacy.h. */
#include "domain/privacy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool privacy_full_identity(enum role r)
{
	return role_can_edit_registry(r);
}

/* Copies s into out (at most PRIVACY_MASK_MAX - 1 bytes) with all but the first `head`
 * and last `tail` characters replaced by '*'; a string shorter than 8 is hidden whole. */
static void mask_middle(const char *s, size_t head, size_t tail, char out[PRIVACY_MASK_MAX])
{
	size_t n = strlen(s);
	if (n > PRIVACY_MASK_MAX - 1)
		n = PRIVACY_MASK_MAX - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = n >= 8 && (i < head || i >= n - tail) ? s[i] : '*';
	out[n] = '\0';
}

void privacy_mask_id(const char *id, char out[PRIVACY_MASK_MAX])
{
	mask_middle(id ? id : "", 4, 2, out);
}

void privacy_mask_phone(const char *phone, char out[PRIVACY_MASK_MAX])
{
	mask_middle(phone ? phone : "", 0, 4, out);
}

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool privacy_scrub_text(char *s)
{
	bool changed = false;
	size_t i = 0;
	while (s[i]) {
		if (!(s[i] >= '0' && s[i] <= '9') || (i > 0 && is_alnum(s[i - 1]))) {
			i++;
			continue;
		}
		size_t n = strspn(s + i, "0123456789");
		if (n == 17 && (s[i + n] == 'X' || s[i + n] == 'x'))
			n++;
		/* A number standing on its own: a letter or digit right after it makes it part
		 * of a longer token (a hash, a household number), which is left alone. */
		if (!is_alnum(s[i + n])) {
			size_t head = 0, tail = 0;
			if (n == 18 || n == 15)
				head = 4, tail = 2;
			else if (n == 11 && s[i] == '1')
				head = 0, tail = 4;
			else
				head = tail = n;
			for (size_t k = head; k + tail < n; k++) {
				s[i + k] = '*';
				changed = true;
			}
		}
		i += n;
	}
	return changed;
}

static void scrub_string(json_t *v)
{
	const char *s = json_string_value(v);
	if (!s || !strpbrk(s, "0123456789"))
		return;
	char *copy = strdup(s);
	if (copy && privacy_scrub_text(copy))
		json_string_set(v, copy);
	free(copy);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);
	return n >= m && strcmp(s + n - m, tail) == 0;
}

/* "1985-03-04" → 1985, or 0. */
static json_int_t year_of(const char *date)
{
	return date && strlen(date) >= 4 ? strtol(date, NULL, 10) : 0;
}

/* Document types whose pictures show an ID number whole (privacy_withholds_doc_type). */
static bool identifying(const char *doc_type)
{
	static const char *const types[] = {"id_copies", "hukou_transfer", NULL};
	for (int i = 0; doc_type && types[i]; i++)
		if (strcmp(doc_type, types[i]) == 0)
			return true;
	return false;
}

/* An item of such a type keeps its list of files, without a way to open them. */
static void withhold_files(json_t *files)
{
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f) {
		if (!json_is_object(f))
			continue;
		json_object_set_new(f, "url", json_null());
		json_object_set_new(f, "thumbnail_url", json_null());
		json_object_set_new(f, "reference_url", json_null());
		json_object_set_new(f, "withheld", json_true());
	}
}

static void present(json_t *v);

static void present_object(json_t *o)
{
	if (identifying(json_string_value(json_object_get(o, "doc_type"))))
		withhold_files(json_object_get(o, "files"));
	const char *key;
	json_t *x;
	void *tmp;
	const char *kind = json_string_value(json_object_get(o, "kind"));
	bool birth_event = kind && strcmp(kind, "birth") == 0;
	json_object_foreach_safe(o, tmp, key, x) {
		char masked[PRIVACY_MASK_MAX];
		if (json_is_string(x) && (strcmp(key, "id_number") == 0 ||
					  strcmp(key, "id_number_masked") == 0)) {
			privacy_mask_id(json_string_value(x), masked);
			json_string_set(x, masked);
		} else if (json_is_string(x) && (strcmp(key, "phone") == 0 || ends_with(key, "_phone"))) {
			privacy_mask_phone(json_string_value(x), masked);
			json_string_set(x, masked);
		} else if (strcmp(key, "birth_date") == 0) {
			/* a person's record carries its age; anything else keeps the year */
			if (!json_object_get(o, "age") && json_is_string(x))
				json_object_set_new(o, "birth_year", json_integer(year_of(json_string_value(x))));
			json_object_del(o, key);
		} else if (strcmp(key, "id_reversed") == 0) {
			json_object_del(o, key);
		} else if (birth_event && strcmp(key, "date") == 0 && json_is_string(x)) {
			char year[5];
			snprintf(year, sizeof(year), "%s", json_string_value(x));
			json_string_set(x, year);
		} else {
			present(x);
		}
	}
}

static void present(json_t *v)
{
	size_t i;
	json_t *x;
	if (json_is_array(v))
		json_array_foreach(v, i, x)
			present(x);
	else if (json_is_object(v))
		present_object(v);
	else if (json_is_string(v))
		scrub_string(v);
}

void privacy_present(enum role r, json_t *v)
{
	if (v && !privacy_full_identity(r))
		present(v);
}

void privacy_present_birth_date(enum role r, json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (s && !privacy_full_identity(r)) {
		char year[5];
		snprintf(year, sizeof(year), "%s", s);
		json_object_set_new(o, key, json_string(year));
	}
}

bool privacy_withholds_doc_type(enum role r, const char *doc_type)
{
	return !privacy_full_identity(r) && identifying(doc_type);
}
