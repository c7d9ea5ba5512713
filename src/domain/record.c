/* record: the ETag and the audited read every kind of versioned record shares. */
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
