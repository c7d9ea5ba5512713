/* pinyin: lookup in the generated, code-point-sorted Unihan table. */
#include "core/pinyin.h"

#include <ctype.h>
#include <string.h>

#include "core/utf8.h"

const char *pinyin_of(uint32_t cp)
{
	unsigned lo = 0, hi = pinyin_table_len;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (pinyin_table[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < pinyin_table_len && pinyin_table[lo].cp == cp)
		return pinyin_table[lo].reading;
	return NULL;
}

static void pinyin_each(const char *utf8, struct buf *out, int initials_only)
{
	const unsigned char *p = (const unsigned char *)utf8;
	size_t n = strlen(utf8);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, n - i, &cp);
		if (k == 0) {
			i++;
			continue;
		}
		i += k;
		if (cp < 0x80) {
			if (isalnum((int)cp))
				buf_putc(out, (char)tolower((int)cp));
			continue;
		}
		const char *r = pinyin_of(cp);
		if (!r)
			continue;
		if (initials_only)
			buf_putc(out, r[0]);
		else
			buf_puts(out, r);
	}
}

void pinyin_initials(const char *utf8, struct buf *out)
{
	pinyin_each(utf8, out, 1);
}

void pinyin_full(const char *utf8, struct buf *out)
{
	pinyin_each(utf8, out, 0);
}
