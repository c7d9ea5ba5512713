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
#define MAX_HEADERS 16

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
	bool csrf_pending;		/* a page form whose "csrf" field is checked after the body */
	json_t *form;			/* a page's decoded form, once the dispatcher has read it */
	uint64_t received;		/* body bytes so far, however framed */
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

	/* A deferred answer (rq_defer): the handler handed its work to another thread and the
	 * connection sleeps; woken (rq_wake), `finish` writes the answer from these. */
	void (*finish)(struct request *rq);
	bool deferred;
	bool deferred_counted;		/* counted in the server's deferred_open */
	enum outcome deferred_res;
	json_t *deferred_in, *deferred_out;
};

/* Puts the connection to sleep until rq_wake: the handler returns at once, another
 * thread does the work, and `finish` then writes the answer on the connection's own
 * thread. Call it before handing the work over (the wake may come at any moment after). */
void rq_defer(struct request *rq, void (*finish)(struct request *rq));
/* Wakes a deferred request (any thread; the argument is the request). */
void rq_wake(void *request);

/* Whether the client reached us over HTTPS: the configured public URL is https, or the
 * (trusted, config trust_proxy) proxy says X-Forwarded-Proto: https. */
bool rq_https(struct request *rq);
/* The attributes every session cookie carries: "; Secure" over HTTPS, else "". */
const char *rq_cookie_secure(struct request *rq);
/* Sets the session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS) to `token` for
 * the configured session hours, or clears it when token is NULL. */
void rq_session_cookie(struct request *rq, const char *token);
/* A header value, or NULL. */
const char *rq_header(struct request *rq, const char *name);
/* The path and query the browser asked for (the query re-encoded, without a one-time
 * "saved" and its "mac"), for a link back to this page; in the arena. */
const char *rq_here(struct request *rq);
/* A query-string value (decoded), or NULL. */
const char *rq_query(struct request *rq, const char *name);
/* A query integer in [min, max]; def when absent; a bad value adds a field error. */
int64_t rq_query_int(struct request *rq, const char *name, int64_t min, int64_t max, int64_t def);
/* A query value that must be a digit string of one of the given lengths (0 ends the list). */
const char *rq_query_code(struct request *rq, const char *name, const int *lengths);
/* A query value that must be one of the NULL-terminated values. */
const char *rq_query_enum(struct request *rq, const char *name, const char *const *values);
/* For a request whose parameters change what it does (an import's dry run): a field error
 * for every query parameter not among the NULL-terminated names (a misspelt "dryrun=1"
 * must not pass for no dry run), and for any of them given empty ("dry_run=") or twice. */
void rq_query_strict(struct request *rq, const char *const *names);

/* Parses the body as a JSON value: OUT_UNSUPPORTED when the Content-Type is not JSON,
 * OUT_BAD_REQUEST (with a field error on "body") when it is not well-formed. */
enum outcome rq_json_body(struct request *rq, json_t **out);

/* Adds a response header (name and value must outlive the request: use the arena). More
 * than MAX_HEADERS is a programming error and stops the process (core/check.h): a dropped
 * header may be a security header. */
void rq_add_header(struct request *rq, const char *name, const char *value);
/* Replaces the value of a header added before (by name, case-insensitive), or adds it. */
void rq_set_header(struct request *rq, const char *name, const char *value);
/* Sets a JSON response; takes the reference to `body`. */
void rq_json(struct request *rq, unsigned status, json_t *body);
/* Sets the problem response for an outcome, with the field errors collected so far. */
void rq_problem(struct request *rq, enum outcome out, const char *detail_key);
/* The same with a title of its own (title_key) where the outcome's title would mislead:
 * a 403 for a missing CSRF token is not about the caller's role. */
void rq_problem_titled(struct request *rq, enum outcome out, const char *title_key,
		       const char *detail_key);
/* rq_json on success, rq_problem otherwise. */
void rq_reply(struct request *rq, enum outcome out, unsigned ok_status, json_t *body);
/* The HTTP status of an outcome: the one map, for the API and the pages alike. */
unsigned outcome_status(enum outcome out);
/* The catalogue key of an outcome's title ("problem_not_found"). */
const char *outcome_title_key(enum outcome out);
/* Adds Retry-After for the outcomes that have one (429 with rq->retry_after, 503). */
void rq_retry_after(struct request *rq, enum outcome out);

/* Thin replies shared by the API handlers: call a domain read of nothing and reply 200;
 * or parse the JSON body, call a domain write (of the route's first {id}, or of nothing),
 * reply with ok_status. The handlers stay one line each. (The ledgers' reads are
 * api_ledgers.c's.) */
typedef enum outcome (*rq_write_fn)(struct ctx *cx, int64_t id, json_t *body, json_t **out);
typedef enum outcome (*rq_read0_fn)(struct ctx *cx, json_t **out);
typedef enum outcome (*rq_write0_fn)(struct ctx *cx, json_t *body, json_t **out);
void rq_write_one(struct request *rq, rq_write_fn op, unsigned ok_status);
void rq_read_all(struct request *rq, rq_read0_fn get);
void rq_write_new(struct request *rq, rq_write0_fn op, unsigned ok_status);
/* rq_reply for a record under an ETag: on success adds its ETag (etag_of) and, for 201, a
 * Location of location_prefix followed by the record's id. */
void rq_reply_record(struct request *rq, enum outcome out, unsigned ok_status, json_t *record,
		     void (*etag_of)(json_t *record, char out[48]), const char *location_prefix);
/* A record's write, answered with its ETag (and, for 201, its Location): the body to
 * op(id), or to change(id) under the request's If-Match (tx_begin_change's skeleton), or
 * to create (no id). The record's handlers are one line each. */
typedef void (*rq_etag_fn)(json_t *record, char out[48]);
typedef enum outcome (*rq_change_fn)(struct ctx *cx, int64_t id, const char *if_match,
				     json_t *body, json_t **out);
void rq_write_record(struct request *rq, rq_write_fn op, unsigned ok_status, rq_etag_fn etag_of);
void rq_change_record(struct request *rq, rq_change_fn change, rq_etag_fn etag_of);
void rq_create_record(struct request *rq, rq_write0_fn create, rq_etag_fn etag_of,
		      const char *location_prefix);
#endif
