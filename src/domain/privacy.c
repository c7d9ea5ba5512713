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

/* The scrub reads digits as a person writes them, not only as ASCII: a full-width digit
 * (U+FF10-U+FF19, three bytes in UTF-8) is the same digit, or the mask is dodged by
 * typing on a Chinese keyboard. Returns the digit's byte length (0: not a digit). */
static size_t digit_at(const char *p, char *d)
{
	const unsigned char *u = (const unsigned char *)p;
	if (u[0] >= '0' && u[0] <= '9') {
		*d = (char)u[0];
		return 1;
	}
	if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99) {
		*d = (char)('0' + (u[2] - 0x90));
		return 3;
	}
	return 0;
}

/* The check character of an ID number: X or x, ASCII or full-width (U+FF38, U+FF58). */
static size_t x_at(const char *p, char *d)
{
	const unsigned char *u = (const unsigned char *)p;
	if (u[0] == 'X' || u[0] == 'x') {
		*d = (char)u[0];
		return 1;
	}
	if (u[0] == 0xEF && ((u[1] == 0xBC && u[2] == 0xB8) || (u[1] == 0xBD && u[2] == 0x98))) {
		*d = u[1] == 0xBC ? 'X' : 'x';
		return 3;
	}
	return 0;
}

/* One separator between digit groups ("138 1234 5678", "522229-2008-0404-0010"): space,
 * '-', '.', '/' or the full-width space U+3000. Only a single one joins two groups. */
static size_t sep_at(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	if (u[0] == ' ' || u[0] == '-' || u[0] == '.' || u[0] == '/')
		return 1;
	if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

#define SCRUB_MAX_DIGITS 18	/* the longest shape: an ID number */

/* Where a number that starts at p may end: after each digit group (and after an X that
 * follows the 17th digit), with the digits so far. */
struct scrub_end {
	size_t digits;		/* how many characters of buf are read by here */
	const char *at;		/* the byte after them */
	bool single;		/* one unbroken group, no separator in it */
};

/* "19xx/20xx" then a month 01-12 and a day 01-31: a birth date written as one run. */
static bool date_like(const char *d)
{
	int month = (d[4] - '0') * 10 + (d[5] - '0'), day = (d[6] - '0') * 10 + (d[7] - '0');
	return ((d[0] == '1' && d[1] == '9') || (d[0] == '2' && d[1] == '0')) && month >= 1 &&
	       month <= 12 && day >= 1 && day <= 31;
}

/* How much of a number of n characters (buf) to keep, or false when it has none of the
 * shapes the scrub masks. */
static bool scrub_shape(const char *buf, size_t n, bool single, size_t *head, size_t *tail)
{
	if (n == 18 || (n == 15 && strncmp(buf, "00861", 5) != 0)) {
		*head = 4, *tail = 2;		/* an ID number, new or old */
		return true;
	}
	if (n == 15) {
		*head = 4, *tail = 4;		/* 0086 and a mobile number */
		return true;
	}
	if (n == 13 && strncmp(buf, "861", 3) == 0) {
		*head = 2, *tail = 4;		/* (+)86 and a mobile number */
		return true;
	}
	if (n == 11 && buf[0] == '1') {
		*head = 0, *tail = 4;		/* a mobile number */
		return true;
	}
	if (n == 8 && single && date_like(buf)) {
		*head = 4, *tail = 0;		/* a birth date keeps its year */
		return true;
	}
	return false;
}

/* Reads the number that starts at s + i (a digit not glued to a letter or digit before
 * it) and masks it in place when it has a shape, rewritten as ASCII without its
 * separators, so never longer. Returns the bytes the masked form takes, or 0. */
static size_t scrub_at(char *s, size_t i)
{
	char buf[SCRUB_MAX_DIGITS + 1];
	struct scrub_end ends[SCRUB_MAX_DIGITS + 1];
	size_t n = 0, nends = 0, len;
	const char *q = s + i;
	bool single = true;
	for (;;) {
		char d;
		while ((len = digit_at(q, &d)) != 0 && n <= SCRUB_MAX_DIGITS) {
			if (n < SCRUB_MAX_DIGITS)
				buf[n] = d;
			n++;
			q += len;
		}
		if (n > SCRUB_MAX_DIGITS)
			break;
		ends[nends++] = (struct scrub_end){n, q, single};
		if (n == 17 && (len = x_at(q, &d)) != 0) {
			buf[n] = d;
			ends[nends++] = (struct scrub_end){18, q + len, single};
			break;
		}
		size_t sl = sep_at(q);
		if (!sl || !digit_at(q + sl, &d))
			break;
		q += sl;
		single = false;
	}
	/* The longest shape wins: "110 1011 9900 1012 34" is an ID number, not a phone
	 * number followed by digits. A number glued to a letter or digit after it is part of
	 * a longer token (a hash, a household number) and stays. */
	for (size_t e = nends; e-- > 0;) {
		size_t head, tail, digits = ends[e].digits;
		if (is_alnum(*ends[e].at) || !scrub_shape(buf, digits, ends[e].single, &head, &tail))
			continue;
		size_t span = (size_t)(ends[e].at - (s + i));
		for (size_t k = 0; k < digits; k++)
			s[i + k] = k < head || k + tail >= digits ? buf[k] : '*';
		memmove(s + i + digits, s + i + span, strlen(s + i + span) + 1);
		return digits;
	}
	return 0;
}

/* One pass over s; true when it masked something. */
static bool scrub_pass(char *s)
{
	bool changed = false;
	size_t i = 0;
	char d;
	while (s[i]) {
		if (!digit_at(s + i, &d)) {
			i++;
			continue;
		}
		size_t len, masked = 0;
		if (i == 0 || !is_alnum(s[i - 1]))
			masked = scrub_at(s, i);
		if (masked) {
			i += masked;
			changed = true;
			continue;
		}
		/* not a number of a shape from here: skip this whole group (a later group after
		 * a separator may still start one) */
		while ((len = digit_at(s + i, &d)) != 0)
			i += len;
	}
	return changed;
}

bool privacy_scrub_text(char *s)
{
	/* Until nothing more changes: a masked number's kept digits could join the digits
	 * beside it into a new shape, and applying the scrub twice must change nothing more. */
	bool changed = false;
	while (scrub_pass(s))
		changed = true;
	return changed;
}

static void scrub_string(json_t *v)
{
	const char *s = json_string_value(v);
	/* 0xEF leads every full-width digit */
	if (!s || !strpbrk(s, "0123456789\xEF"))
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
