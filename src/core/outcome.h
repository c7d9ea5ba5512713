/*
 * outcome: what a domain operation came to. Domain code returns one of these; the web
 * layer turns it into an HTTP status in exactly one place (web/outcome.c), the CLI into
 * an exit status.
 */
#ifndef ANJU_OUTCOME_H
#define ANJU_OUTCOME_H

enum outcome {
	OUT_OK = 0,
	OUT_BAD_REQUEST,	/* the request itself is malformed (e.g. not JSON) */
	OUT_INVALID,		/* the input broke a rule; field errors say which */
	OUT_NOT_FOUND,		/* no such record, or outside the caller's scope */
	OUT_CONFLICT,		/* a uniqueness or state conflict */
	OUT_PRECONDITION_FAILED,	/* If-Match did not match */
	OUT_PRECONDITION_REQUIRED,	/* If-Match was required and missing */
	OUT_TOO_LARGE,
	OUT_UNSUPPORTED,	/* media type */
	OUT_UNAUTHORIZED,
	OUT_FORBIDDEN,
	OUT_RATE_LIMITED,
	OUT_METHOD_NOT_ALLOWED,	/* the path exists, not with this method (Allow says which) */
	OUT_RANGE_NOT_SATISFIABLE,	/* a Range header outside the file */
	OUT_BUSY,		/* the database is busy: try again after Retry-After seconds */
	OUT_INTERNAL,
};
#endif
