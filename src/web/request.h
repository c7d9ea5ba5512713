/*
 * request: one HTTP request as the handlers see it — method, path captures, query,
 * body, who is asking — and the response being built. Everything it allocates comes
 * from its arena and is freed when the request completes.
 */
#ifndef ANJU_REQUEST_H
#define ANJU_REQUEST_H
#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/msg.h"
#include "core/outcome.h"
#include "core/verrors.h"
#include "domain/actor.h"

#define MAX_CAPTURES 4
#define ROUTE_KEY_MAX 48
#define MAX_HEADERS 12

struct server;
struct route;
struct upload;
struct tar;

struct request {
	struct MHD_Connection *conn;
	const struct server *server;
	const char *method, *path;
	char client[64];		/* the peer's address, for audit and rate limits */
	struct arena arena;
	struct buf body;
	bool body_too_large;
	const struct route *route;	/* found on the first call, before the body */
	int64_t ids[MAX_CAPTURES];	/* {id} captures of the route, in order */
	int nids;
	char key[ROUTE_KEY_MAX];	/* the {key} capture, when the route has one */
	struct upload *upload;		/* multipart routes: the streamed parts */

	struct actor actor;
	bool authenticated;
	bool cookie_auth;
	const char *token;
	enum lang lang;
	struct verrors errs;
	struct ctx cx;

	/* The response. */
	unsigned status;
	struct buf out;
	const char *content_type;
	const char *header_names[MAX_HEADERS];
	const char *header_values[MAX_HEADERS];
	int nheaders;
	int retry_after;
	int file_fd;			/* >= 0: the body is this file's bytes */
	struct tar *stream;		/* non-NULL: the body is this tar stream (owned) */
	uint64_t file_offset, file_length;
	/* non-NULL: the body is read from this callback in pieces and sent chunked, its
	 * length unknown beforehand (exports); body_reader_free releases the state, whether
	 * or not the answer was sent */
	MHD_ContentReaderCallback body_reader;
	void *body_reader_cls;
	MHD_ContentReaderFreeCallback body_reader_free;
};

/* A header value, or NULL. */
const char *rq_header(struct request *rq, const char *name);
/* A query-string value (decoded), or NULL. */
const char *rq_query(struct request *rq, const char *name);
/* A query integer in [min, max]; def when absent; a bad value adds a field error. */
int64_t rq_query_int(struct request *rq, const char *name, int64_t min, int64_t max, int64_t def);
/* A query value that must be a digit string of one of the given lengths (0 ends the list). */
const char *rq_query_code(struct request *rq, const char *name, const int *lengths);
/* A query value that must be one of the NULL-terminated values. */
const char *rq_query_enum(struct request *rq, const char *name, const char *const *values);

/* Parses the body as a JSON value: OUT_UNSUPPORTED when the Content-Type is not JSON,
 * OUT_BAD_REQUEST (with a field error on "body") when it is not well-formed. */
enum outcome rq_json_body(struct request *rq, json_t **out);

/* Adds a response header (name and value must outlive the request: use the arena). */
void rq_add_header(struct request *rq, const char *name, const char *value);
/* Sets a JSON response; takes the reference to `body`. */
void rq_json(struct request *rq, unsigned status, json_t *body);
/* Sets the problem response for an outcome, with the field errors collected so far. */
void rq_problem(struct request *rq, enum outcome out, const char *detail_key);
/* rq_json on success, rq_problem otherwise. */
void rq_reply(struct request *rq, enum outcome out, unsigned ok_status, json_t *body);
#endif
