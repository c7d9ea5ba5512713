/* Unit tests for web/request.c and web/problem.c: response headers (replaced, never
 * silently dropped) and the one outcome -> status map. */
#include "tests/unit/cmocka_prelude.h"

#include <string.h>

#include "web/request.h"

static void request_init(struct request *rq)
{
	memset(rq, 0, sizeof(*rq));
	arena_init(&rq->arena, 0);
	verrors_init(&rq->errs, &rq->arena);
	buf_init(&rq->out);
	rq->lang = LANG_EN;
}

static void request_release(struct request *rq)
{
	buf_release(&rq->out);
	arena_release(&rq->arena);
}

static void set_header_replaces(void **state)
{
	struct request rq;
	(void)state;
	request_init(&rq);
	rq_add_header(&rq, "X-Frame-Options", "DENY");
	rq_add_header(&rq, "ETag", "\"h1-1\"");
	rq_set_header(&rq, "etag", "\"h1-2\"");
	rq_set_header(&rq, "Retry-After", "1");
	assert_int_equal(rq.nheaders, 3);
	assert_string_equal(rq.header_values[0], "DENY");	/* what came before stays */
	assert_string_equal(rq.header_values[1], "\"h1-2\"");
	assert_string_equal(rq.header_names[2], "Retry-After");
	rq_add_header(&rq, "X-None", NULL);	/* no value, no header */
	assert_int_equal(rq.nheaders, 3);
	request_release(&rq);
}

/* Every outcome's problem says the status it is sent with (405 and 416 used to say 400). */
static void problem_status_is_the_http_status(void **state)
{
	(void)state;
	for (int out = OUT_BAD_REQUEST; out <= OUT_INTERNAL; out++) {
		struct request rq;
		request_init(&rq);
		rq_problem(&rq, (enum outcome)out, NULL);
		unsigned status = outcome_status((enum outcome)out);
		assert_int_equal(rq.status, status);
		assert_true(status >= 400 && status <= 599);
		json_t *body = json_loadb(rq.out.data, rq.out.len, 0, NULL);
		assert_non_null(body);
		assert_int_equal(json_integer_value(json_object_get(body, "status")), status);
		assert_string_equal(rq.content_type, "application/problem+json");
		json_decref(body);
		request_release(&rq);
	}
	assert_int_equal(outcome_status(OUT_METHOD_NOT_ALLOWED), 405);
	assert_int_equal(outcome_status(OUT_RANGE_NOT_SATISFIABLE), 416);
	assert_int_equal(outcome_status(OUT_BUSY), 503);
	assert_int_equal(outcome_status(OUT_INVALID), 422);
}

static void busy_says_when_to_retry(void **state)
{
	struct request rq;
	(void)state;
	request_init(&rq);
	rq_problem(&rq, OUT_BUSY, NULL);
	assert_int_equal(rq.nheaders, 1);
	assert_string_equal(rq.header_names[0], "Retry-After");
	assert_string_equal(rq.header_values[0], "1");
	request_release(&rq);
	request_init(&rq);
	rq.retry_after = 30;
	rq_problem(&rq, OUT_RATE_LIMITED, NULL);
	assert_string_equal(rq.header_values[0], "30");
	request_release(&rq);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_header_replaces),
		cmocka_unit_test(problem_status_is_the_http_status),
		cmocka_unit_test(busy_says_when_to_retry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
