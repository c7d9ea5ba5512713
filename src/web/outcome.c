/*
 * outcome: the one map from an outcome (core/outcome.h) to HTTP — its status and the
 * catalogue key of its title — for the API (problem.c) and the pages (page.c) alike.
 */
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
