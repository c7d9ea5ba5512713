/* utf8: strict UTF-8 decoding and the character classes the search index needs. */
#ifndef ANJU_UTF8_H
#define ANJU_UTF8_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s (n bytes available). Returns its length in bytes, or 0
 * for an invalid, overlong, surrogate or truncated sequence. */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* True when s[0..n) is well-formed UTF-8 with no NUL byte. */
bool utf8_valid(const char *s, size_t n);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_length(const char *s);
/* True for CJK ideographs (the Unified blocks and extensions, compatibility ideographs). */
bool utf8_is_cjk(uint32_t cp);
/* Columns the string takes in a terminal: East Asian wide characters count two. */
size_t utf8_display_width(const char *s);
/* True when the string contains a C0/C1 control character (tab and newline included). */
bool utf8_has_control(const char *s);
/* What a text holds that no one sees yet changes how it reads: a bidirectional control
 * (U+061C, U+200E/F, U+202A-E, U+2066-9: it reorders the text around it, so a name could
 * show as another), else another format character of Unicode's Cf category (a zero-width
 * space, joiner or non-joiner, U+2060, U+FEFF, a soft hyphen U+00AD, the invisible math
 * operators, tags, ...: the text looks like one without it and no longer matches it).
 * Bidi wins when a text has both; invalid UTF-8 counts as UTF8_SHOWN (utf8_valid says). */
enum utf8_hidden { UTF8_SHOWN = 0, UTF8_BIDI, UTF8_INVISIBLE };
enum utf8_hidden utf8_hidden_char(const char *s);
#endif
