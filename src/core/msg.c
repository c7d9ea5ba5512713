/* msg: catalogue lookup (binary search over the generated, key-sorted table). */
#include "core/msg.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

static const struct msg_entry *find(const char *key)
{
	unsigned lo = 0, hi = msg_table_len;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		int c = strcmp(msg_table[mid].key, key);
		if (c == 0)
			return &msg_table[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *msg_get(enum lang lang, const char *key)
{
	const struct msg_entry *e = find(key);
	return e ? e->text[lang] : key;
}

int msg_has(const char *key)
{
	return find(key) != NULL;
}

/* Walks the comma-separated ranges in order of appearance, honouring q=0 only; the first
 * range naming zh or en decides, since browsers list preferences first. */
enum lang msg_lang_from_header(const char *h)
{
	if (!h)
		return LANG_ZH;
	const char *p = h;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *start = p;
		while (*p && *p != ',' && *p != ';')
			p++;
		size_t n = (size_t)(p - start);
		const char *params = p;
		while (*p && *p != ',')
			p++;
		int refused = 0;
		for (const char *q = params; q < p; q++)
			if (strncmp(q, "q=0", 3) == 0 && (q + 3 == p || q[3] == ' ' ||
			    (q[3] == '.' && strspn(q + 4, "0") >= (size_t)(p - q - 4))))
				refused = 1;
		if (refused || n < 2)
			continue;
		if (strncasecmp(start, "zh", 2) == 0)
			return LANG_ZH;
		if (strncasecmp(start, "en", 2) == 0)
			return LANG_EN;
	}
	return LANG_ZH;
}

const char *msg_lang_tag(enum lang lang)
{
	return lang == LANG_EN ? "en" : "zh-CN";
}
