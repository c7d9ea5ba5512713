/*
 * pinyin: Mandarin readings of Chinese characters, from Unihan kMandarin (generated at
 * build time), used to find people by the initials of their names (zw → 张伟).
 */
#ifndef ANJU_PINYIN_H
#define ANJU_PINYIN_H
#include <stdint.h>

#include "core/buf.h"

struct pinyin_entry {
	uint32_t cp;
	const char *reading;
};
extern const struct pinyin_entry pinyin_table[];
extern const unsigned pinyin_table_len;

/* The toneless reading of one code point ("zhang"), or NULL when it has none. */
const char *pinyin_of(uint32_t cp);
/* Appends the initials of a UTF-8 string: one letter per Chinese character, ASCII letters
 * and digits lower-cased as they are, everything else skipped. 张伟 → "zw". */
void pinyin_initials(const char *utf8, struct buf *out);
/* Appends the full toneless reading without spaces. 张伟 → "zhangwei". */
void pinyin_full(const char *utf8, struct buf *out);
#endif
