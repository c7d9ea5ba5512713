/* range: the Range request header (RFC 9110 section 14), single byte ranges. */
#include "web/range.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int range_parse(const char *h, uint64_t size, uint64_t *start, uint64_t *end)
{
	char *e;
	if (!h || strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
		return 0;
	h += 6;
	if (*h == '-') {
		unsigned long long n = strtoull(h + 1, &e, 10);
		if (e == h + 1 || *e)
			return 0;
		if (n == 0 || size == 0)
			return -1;
		*start = n >= size ? 0 : size - n;
		*end = size - 1;
		return 1;
	}
	if (!isdigit((unsigned char)*h))
		return 0;
	unsigned long long a = strtoull(h, &e, 10), b;
	if (*e != '-')
		return 0;
	if (e[1] == '\0') {
		b = size ? size - 1 : 0;
	} else {
		char *e2;
		b = strtoull(e + 1, &e2, 10);
		if (*e2 || b < a)
			return 0;
	}
	if (a >= size)
		return -1;
	*start = a;
	*end = b >= size ? size - 1 : b;
	return 1;
}

