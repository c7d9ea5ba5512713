/*
 * problem: errors as RFC 9457 application/problem+json bodies with an "errors" array
 * naming each bad field, their status and title from the one map of outcomes (outcome.c).
 */
#include <stdio.h>
#include <string.h>

#include "web/request.h"

void rq_problem(struct request *rq, enum outcome out, const char *detail_key)
{
	rq_problem_titled(rq, out, NULL, detail_key);
}

void rq_problem_titled(struct request *rq, enum outcome out, const char *title_key,
		       const char *detail_key)
{
	/* An operation that does not yet tell a locked database from a failure still says
	 * "try again" when the lock was the cause (store_busy_in_tx). */
	if (out == OUT_INTERNAL && rq->cx.db && store_busy_in_tx(rq->cx.db))
		out = OUT_BUSY;
	unsigned status = outcome_status(out);
	json_t *errors = json_array();
	for (int i = 0; i < rq->errs.n; i++) {
		const struct field_error *fe = &rq->errs.items[i];
		json_array_append_new(errors, json_pack("{s:s, s:s, s:s}", "field", fe->field,
			"code", fe->code, "message", msg_get(rq->lang, fe->code)));
	}
	const char *title = msg_get(rq->lang, title_key ? title_key : outcome_title_key(out));
	json_t *body = json_pack("{s:s, s:s, s:i, s:o}", "type", "about:blank", "title", title,
				 "status", (int)status, "errors", errors);
	if (detail_key)
		json_object_set_new(body, "detail", json_string(msg_get(rq->lang, detail_key)));
	rq_retry_after(rq, out);
	rq_json(rq, status, body);
	rq->content_type = "application/problem+json";
}

void rq_retry_after(struct request *rq, enum outcome out)
{
	/* A busy database clears in moments; say so rather than leave clients guessing. */
	if (out == OUT_BUSY && rq->retry_after <= 0)
		rq->retry_after = 1;
	if ((out == OUT_RATE_LIMITED || out == OUT_BUSY) && rq->retry_after > 0)
		rq_set_header(rq, "Retry-After", arena_printf(&rq->arena, "%d", rq->retry_after));
}

void rq_reply(struct request *rq, enum outcome out, unsigned ok_status, json_t *body)
{
	if (out == OUT_OK) {
		rq_json(rq, ok_status, body);
		return;
	}
	json_decref(body);
	rq_problem(rq, out, NULL);
}
