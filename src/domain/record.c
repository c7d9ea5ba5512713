/* record: the ETag, the audited read and the page of a list every kind of versioned
 * record shares. */
#include "domain/record.h"

#include <stdio.h>

#include "domain/audit.h"

void record_etag(char letter, json_t *record, char out[48])
{
	snprintf(out, 48, "\"%c%lld-%lld\"", letter,
		 (long long)json_integer_value(json_object_get(record, "id")),
		 (long long)json_integer_value(json_object_get(record, "version")));
}

enum outcome record_get(struct ctx *cx, json_t *(*load)(struct ctx *cx, int64_t id),
			const char *entity, int64_t id, json_t **out)
{
	*out = load(cx, id);
	if (*out) {
		audit_read(cx, "read", entity, id, 1, NULL);
		return OUT_OK;
	}
	return store_failed_in_tx(cx->db) ? OUT_INTERNAL : OUT_NOT_FOUND;
}

enum outcome record_page(struct ctx *cx, json_t *rows, int limit, const char *key,
			 json_t **out)
{
	*out = NULL;
	if (!rows)
		return OUT_INTERNAL;
	json_t *next = json_null();
	if (json_array_size(rows) > (size_t)limit) {
		json_array_remove(rows, (size_t)limit);
		json_int_t last = json_integer_value(json_object_get(json_array_get(rows,
			(size_t)limit - 1), key));
		next = json_string(arena_printf(cx->arena, "%lld", (long long)last));
	}
	*out = json_pack("{s:o, s:o}", "items", rows, "next", next);
	return OUT_OK;
}
