/* range: parsing the Range header of a download. */
#ifndef ANJU_RANGE_H
#define ANJU_RANGE_H
#include <stdint.h>

/* Parses a single "bytes=a-b", "bytes=a-" or "bytes=-n" range against size.
 * Returns 1 with [*start, *end] set, 0 when the header is to be ignored (absent, not bytes,
 * or several ranges: the whole file is sent), -1 when the range cannot be satisfied. */
int range_parse(const char *header, uint64_t size, uint64_t *start, uint64_t *end);
#endif
