/*
 * libFuzzer entry point for the page form decoder (web/page.c page_form): any body gives
 * either NULL (not UTF-8) or an object of strings that are valid UTF-8.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "web/page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct request rq;
	memset(&rq, 0, sizeof(rq));
	buf_init(&rq.body);
	buf_add(&rq.body, data, size);
	json_t *f = page_form(&rq);
	const char *key;
	json_t *v;
	json_object_foreach(f, key, v) {
		const char *s = json_string_value(v);
		if (!s || !utf8_valid(s, strlen(s)) || !utf8_valid(key, strlen(key)))
			abort();
	}
	json_decref(f);
	buf_release(&rq.body);
	return 0;
}
