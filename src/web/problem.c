/*
 * problem: the one place where outcomes become HTTP statuses, and errors become RFC 9457
 * application/problem+json bodies with an "errors" array naming each bad field.
 */
#include <stdio.h>
#include <string.h>

#include "web/request.h"

unsigned outcome_status(enum outcome out)
{
	switch (out) {
	case OUT_OK: return 200;
	case OUT_BAD_REQUEST: return 400;
	case OUT_INVALID: return 422;
	case OUT_NOT_FOUND: return 404;
	case OUT_CONFLICT: return 409;
	case OUT_PRECONDITION_FAILED: return 412;
	case OUT_PRECONDITION_REQUIRED: return 428;
	case OUT_TOO_LARGE: return 413;
	case OUT_UNSUPPORTED: return 415;
	case OUT_UNAUTHORIZED: return 401;
	case OUT_FORBIDDEN: return 403;
	case OUT_RATE_LIMITED: return 429;
	case OUT_METHOD_NOT_ALLOWED: return 405;
	case OUT_RANGE_NOT_SATISFIABLE: return 416;
	case OUT_BUSY: return 503;
	case OUT_INTERNAL: return 500;
	}
	return 500;
}

const char *outcome_title_key(enum outcome out)
{
	switch (out) {
	case OUT_BAD_REQUEST: return "problem_bad_request";
	case OUT_INVALID: return "problem_invalid";
	case OUT_NOT_FOUND: return "problem_not_found";
	case OUT_CONFLICT: return "problem_conflict";
	case OUT_PRECONDITION_FAILED: return "problem_precondition_failed";
	case OUT_PRECONDITION_REQUIRED: return "problem_precondition_required";
	case OUT_TOO_LARGE: return "problem_too_large";
	case OUT_UNSUPPORTED: return "problem_unsupported";
	case OUT_UNAUTHORIZED: return "problem_unauthorized";
	case OUT_FORBIDDEN: return "problem_forbidden";
	case OUT_RATE_LIMITED: return "problem_rate_limited";
	case OUT_METHOD_NOT_ALLOWED: return "problem_method_not_allowed";
	case OUT_RANGE_NOT_SATISFIABLE: return "problem_range_not_satisfiable";
	case OUT_BUSY: return "problem_busy";
	default: return "problem_internal";
	}
}

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
