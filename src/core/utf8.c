/* utf8: decoding per RFC 3629 (no overlongs, no surrogates, nothing past U+10FFFF). */
#include "core/utf8.h"

#include <string.h>

size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2; v = c & 0x1F; min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3; v = c & 0x0F; min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, n - i, &cp);
		if (k == 0 || cp == 0)
			return false;
		i += k;
	}
	return true;
}

size_t utf8_length(const char *s)
{
	size_t count = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			count++;
	return count;
}

bool utf8_is_cjk(uint32_t cp)
{
	return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x323AF);
}

bool utf8_has_control(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, n - i, &cp);
		if (k == 0)
			return true;
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
			return true;
		i += k;
	}
	return false;
}

/* The wide ranges that occur in this system's text: CJK ideographs and punctuation,
 * Hangul, fullwidth forms. (Not all of Unicode's EastAsianWidth=W, but all we print.) */
static bool is_wide(uint32_t cp)
{
	return utf8_is_cjk(cp) || (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
	       (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6);
}

size_t utf8_display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), width = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, n - i, &cp);
		if (k == 0) {
			i++;
			continue;
		}
		width += is_wide(cp) ? 2 : 1;
		i += k;
	}
	return width;
}

/* Unicode 15.1's Cf (format) characters, the bidirectional controls among them apart. */
static bool is_bidi_control(uint32_t cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E)
	       || (cp >= 0x2066 && cp <= 0x2069);
}

static bool is_format(uint32_t cp)
{
	return cp == 0x00AD || (cp >= 0x0600 && cp <= 0x0605) || cp == 0x061C || cp == 0x06DD
	       || cp == 0x070F || cp == 0x0890 || cp == 0x0891 || cp == 0x08E2 || cp == 0x180E
	       || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E)
	       || (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x206F)
	       || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) || cp == 0x110BD || cp == 0x110CD
	       || (cp >= 0x13430 && cp <= 0x1343F) || (cp >= 0x1BCA0 && cp <= 0x1BCA3)
	       || (cp >= 0x1D173 && cp <= 0x1D17A) || cp == 0xE0001
	       || (cp >= 0xE0020 && cp <= 0xE007F);
}

enum utf8_hidden utf8_hidden_char(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	enum utf8_hidden found = UTF8_SHOWN;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(p + i, n - i, &cp);
		if (k == 0)
			return found;
		if (is_bidi_control(cp))
			return UTF8_BIDI;
		if (is_format(cp))
			found = UTF8_INVISIBLE;
		i += k;
	}
	return found;
}
