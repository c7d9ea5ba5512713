/* api_ledgers: every ledger's API, from its descriptor (domain/ledger.h says the verbs and
 * the reply shape). A ledger has no handler of its own: the route table's {key} rows ask
 * the ledger_key_* tests below which names they answer. */
#include <string.h>

#include "domain/ledger.h"
#include "web/api_audit.h"
#include "web/routes.h"

static enum ledger_owner owner_of(const struct request *rq)
{
	return strncmp(rq->path, "/api/v1/persons/", 16) == 0 ||
		strncmp(rq->path, "/persons/", 9) == 0 ? LEDGER_OF_PERSON : LEDGER_OF_HOUSEHOLD;
}

/* A PUT replaces: only a set or a one-record ledger takes it. */
static bool takes_put(const struct ledger *l)
{
	return l && l->shape != LEDGER_ROWS;
}

bool api_ledger_key_household(const char *key) { return ledger_find(key, LEDGER_OF_HOUSEHOLD); }
bool api_ledger_key_person(const char *key) { return ledger_find(key, LEDGER_OF_PERSON); }

bool api_ledger_key_household_rows(const char *key)
{
	const struct ledger *l = ledger_find(key, LEDGER_OF_HOUSEHOLD);
	return l && l->shape == LEDGER_ROWS;
}

bool api_ledger_key_person_rows(const char *key)
{
	const struct ledger *l = ledger_find(key, LEDGER_OF_PERSON);
	return l && l->shape == LEDGER_ROWS;
}

bool api_ledger_key_household_put(const char *key) { return takes_put(ledger_find(key, LEDGER_OF_HOUSEHOLD)); }
bool api_ledger_key_person_put(const char *key) { return takes_put(ledger_find(key, LEDGER_OF_PERSON)); }
bool api_ledger_key_rows(const char *key) { return ledger_find_rows(key); }

bool api_ledger_key_changeable(const char *key)
{
	const struct ledger *l = ledger_find_rows(key);
	return l && l->changeable;
}

/* A ledger of a person or a household is a read of that record (jobs, plots, ...). A set
 * or one-record ledger answers its ETag, for the If-Match of its PUT. */
void api_ledger_list(struct request *rq)
{
	const struct ledger *l = ledger_find(rq->key, owner_of(rq));
	json_t *out = NULL;
	enum outcome res = ledger_list(&rq->cx, l, rq->ids[0], &out);
	api_audit_answer(rq, res, "read", l->owner == LEDGER_OF_PERSON ? "person" : "household",
		     rq->ids[0], NULL, rq->key);
	if (l->shape == LEDGER_ROWS)
		rq_reply(rq, res, 200, out);
	else
		rq_reply_record(rq, res, 200, out, ledger_whole_etag, NULL);
}

void api_ledger_append(struct request *rq)
{
	const struct ledger *l = ledger_find(rq->key, owner_of(rq));
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = ledger_append(&rq->cx, l, rq->ids[0], body, &out);
	json_decref(body);
	/* as a new household or person: where the row lives, and its ETag for a PATCH */
	rq_reply_record(rq, res, 201, out, ledger_row_etag, arena_printf(&rq->arena, "/api/v1/%s/",
									  l->name));
}

/* Replaces a set or a one-record ledger under If-Match, as a PATCH changes a row. */
void api_ledger_put(struct request *rq)
{
	const struct ledger *l = ledger_find(rq->key, owner_of(rq));
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = ledger_replace(&rq->cx, l, rq->ids[0], rq_header(rq, MHD_HTTP_HEADER_IF_MATCH),
				     body, &out);
	json_decref(body);
	rq_reply_record(rq, res, 200, out, ledger_whole_etag, NULL);
}

void api_ledger_row(struct request *rq)
{
	const struct ledger *l = ledger_find_rows(rq->key);
	json_t *out = NULL;
	enum outcome res = ledger_row(&rq->cx, l, rq->ids[0], &out);
	if (res == OUT_OK && l->owner == LEDGER_OF_PERSON)
		audit_read(&rq->cx, "read", "person",
			   json_integer_value(json_object_get(out, "person_id")), 1, rq->key);
	else if (res == OUT_OK)
		audit_read(&rq->cx, "read", "household",
			   json_integer_value(json_object_get(out, "household_id")), 1, rq->key);
	rq_reply_record(rq, res, 200, out, ledger_row_etag, NULL);
}

void api_ledger_update(struct request *rq)
{
	const struct ledger *l = ledger_find_rows(rq->key);
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = ledger_update(&rq->cx, l, rq->ids[0], rq_header(rq, MHD_HTTP_HEADER_IF_MATCH),
				    body, &out);
	json_decref(body);
	rq_reply_record(rq, res, 200, out, ledger_row_etag, NULL);
}
