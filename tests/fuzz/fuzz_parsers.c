/*
 * libFuzzer entry point for the parsers that take outside input: ID numbers, the search
 * tokenizer, CSV, route patterns, Range headers, UTF-8 and pinyin, and the JSON validation of
 * a household's members. One binary; the first input byte picks the parser, so one corpus
 * covers all of them. Run by `make fuzz`.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/csv.h"
#include "core/date.h"
#include "core/idnumber.h"
#include "core/pinyin.h"
#include "core/utf8.h"
#include "domain/person.h"
#include "store/tokenizer.h"
#include "web/range.h"
#include "web/routes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_token(void *ctx, const char *token, size_t len, int start, int end, int colocated)
{
	(void)token; (void)colocated;
	if (start < 0 || end < start || len == 0)
		abort();	/* the tokenizer's promise */
	(*(size_t *)ctx)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	struct arena a;
	arena_init(&a, 1 << 20);
	switch (data[0] % 7) {
	case 0: {
		struct idnumber idn;
		if (idnumber_parse(s, date_today(), &idn) == IDNUMBER_OK &&
		    (strlen(idn.number) != 18 || idnumber_check_char(idn.number) != idn.number[17]))
			abort();
		break;
	}
	case 1: {
		size_t n = 0;
		tokenize(s, size - 1, data[0] & 8, count_token, &n);
		break;
	}
	case 2: {
		struct csv_reader r;
		char *fields[16];
		csv_init(&r, (const char *)data + 1, size - 1);
		while (csv_next(&r, &a, fields, 16) > 0)
			;
		break;
	}
	case 3: {
		int64_t ids[MAX_CAPTURES];
		int n;
		route_match("/api/v1/households/{id}/items", s, ids, &n);
		route_match("/api/v1/persons/{id}", s, ids, &n);
		break;
	}
	case 4: {
		uint64_t a0, b0, sz = size * 7;
		if (range_parse(s, sz, &a0, &b0) == 1 && (a0 > b0 || b0 >= sz))
			abort();
		break;
	}
	case 5: {
		struct buf b = BUF_INIT;
		if (utf8_valid(s, strlen(s)))
			pinyin_full(s, &b), utf8_display_width(s);
		buf_release(&b);
		break;
	}
	case 6: {
		json_t *j = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, NULL);
		if (j) {
			struct verrors e;
			struct actor who;
			struct person_in p;
			actor_system(&who);
			verrors_init(&e, &a);
			struct ctx cx = {.actor = &who, .arena = &a, .errs = &e, .today = date_today()};
			person_parse(&cx, j, "", true, &p);
			json_decref(j);
		}
		break;
	}
	}
	arena_release(&a);
	free(s);
	return 0;
}
