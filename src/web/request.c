/* request: accessors for the parts of a request and builders for the response. */
#include "web/request.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/check.h"
#include "core/utf8.h"
#include "domain/privacy.h"
#include "web/server.h"

bool rq_https(struct request *rq)
{
	const struct config *cfg = &rq->server->cfg;
	if (strncasecmp(cfg->public_url, "https://", 8) == 0)
		return true;
	/* Anyone can send the header: it counts only when the operator says a proxy of ours
	 * stands in front and sets it. */
	const char *proto = cfg->trust_proxy ? rq_header(rq, "X-Forwarded-Proto") : NULL;
	return proto && strcasecmp(proto, "https") == 0;
}

const char *rq_cookie_secure(struct request *rq)
{
	return rq_https(rq) ? "; Secure" : "";
}

void rq_session_cookie(struct request *rq, const char *token)
{
	rq_add_header(rq, MHD_HTTP_HEADER_SET_COOKIE, arena_printf(&rq->arena,
		"anju_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", token ? token : "",
		token ? rq->server->cfg.session_hours * 3600 : 0, rq_cookie_secure(rq)));
}

const char *rq_header(struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

static void put_encoded(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			buf_putc(b, (char)c);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

static enum MHD_Result put_argument(void *cls, enum MHD_ValueKind kind, const char *key,
				    size_t key_size, const char *value, size_t value_size)
{
	struct buf *b = cls;
	(void)kind;
	if ((key_size == 5 && memcmp(key, "saved", 5) == 0) ||
	    (key_size == 3 && memcmp(key, "mac", 3) == 0))	/* and the confirmation's MAC */
		return MHD_YES;
	buf_putc(b, strchr(b->data, '?') ? '&' : '?');
	put_encoded(b, key, key_size);
	if (value) {
		buf_putc(b, '=');
		put_encoded(b, value, value_size);
	}
	return MHD_YES;
}

const char *rq_here(struct request *rq)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, rq->path);
	MHD_get_connection_values_n(rq->conn, MHD_GET_ARGUMENT_KIND, put_argument, &b);
	const char *out = arena_strdup(&rq->arena, b.data ? b.data : "/");
	buf_release(&b);
	return out;
}

const char *rq_query(struct request *rq, const char *name)
{
	const char *v = NULL;
	size_t len = 0;
	/* with its length: a decoded %00 would otherwise cut the value short unseen */
	if (MHD_lookup_connection_value_n(rq->conn, MHD_GET_ARGUMENT_KIND, name, strlen(name), &v,
					  &len) != MHD_YES)
		v = NULL;
	if (v && (!utf8_valid(v, len) || utf8_has_control(v))) {
		verrors_add(&rq->errs, name, "invalid_text");
		return NULL;
	}
	return v && *v ? v : NULL;
}

int64_t rq_query_int(struct request *rq, const char *name, int64_t min, int64_t max, int64_t def)
{
	const char *v = rq_query(rq, name);
	if (!v)
		return def;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (*end || end == v || strlen(v) > 18 || n < min || n > max) {
		verrors_add(&rq->errs, name, "out_of_range");
		return def;
	}
	return n;
}

struct strict {
	struct request *rq;
	const char *const *names;
	unsigned seen;		/* bit i: names[i] has come once already */
};

static enum MHD_Result check_argument(void *cls, enum MHD_ValueKind kind, const char *key,
				      size_t key_size, const char *value, size_t value_size)
{
	struct strict *s = cls;
	(void)kind;
	(void)value;
	bool known = false, twice = false;
	for (unsigned i = 0; s->names[i] && !known; i++)
		if (strlen(s->names[i]) == key_size && memcmp(s->names[i], key, key_size) == 0) {
			known = true;	/* "dry_run=0&dry_run=1": which one was meant? */
			twice = i < 32 && (s->seen & (1u << i));
			if (i < 32)
				s->seen |= 1u << i;
		}
	/* the field named as sent, but only when it is text a message may repeat */
	const char *field = arena_strndup(&s->rq->arena, key, key_size);
	if (!known && (!field || key_size > 64 || !utf8_valid(field, key_size) ||
		       utf8_has_control(field)))
		field = "query";
	if (!known)
		verrors_add(&s->rq->errs, field ? field : "query", "unknown_parameter");
	else if (twice)
		verrors_add(&s->rq->errs, field, "parameter_twice");
	else if (!value || value_size == 0)
		verrors_add(&s->rq->errs, field ? field : "query", "required");
	return MHD_YES;
}

void rq_query_strict(struct request *rq, const char *const *names)
{
	struct strict s = {rq, names, 0};
	MHD_get_connection_values_n(rq->conn, MHD_GET_ARGUMENT_KIND, check_argument, &s);
}

const char *rq_query_code(struct request *rq, const char *name, const int *lengths)
{
	const char *v = rq_query(rq, name);
	if (!v)
		return NULL;
	size_t n = strlen(v);
	if (strspn(v, "0123456789") == n)
		for (; *lengths; lengths++)
			if ((size_t)*lengths == n)
				return v;
	verrors_add(&rq->errs, name, "invalid_code");
	return NULL;
}

const char *rq_query_enum(struct request *rq, const char *name, const char *const *values)
{
	const char *v = rq_query(rq, name);
	if (!v)
		return NULL;
	for (; *values; values++)
		if (strcmp(v, *values) == 0)
			return *values;
	verrors_add(&rq->errs, name, "unknown_value");
	return NULL;
}

/* application/json, optionally with parameters (charset=utf-8). */
static bool is_json_type(const char *ct)
{
	if (!ct)
		return false;
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';' ||
							      ct[n] == ' ');
}

enum outcome rq_json_body(struct request *rq, json_t **out)
{
	json_error_t err;
	*out = NULL;
	if (!is_json_type(rq_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE))) {
		verrors_add(&rq->errs, "body", "unsupported_media_type");
		return OUT_UNSUPPORTED;
	}
	if (rq->body.len == 0) {
		verrors_add(&rq->errs, "body", "body_empty");
		return OUT_BAD_REQUEST;
	}
	if (!utf8_valid(rq->body.data, rq->body.len)) {
		verrors_add(&rq->errs, "body", "invalid_utf8");
		return OUT_BAD_REQUEST;
	}
	*out = json_loadb(rq->body.data, rq->body.len, JSON_REJECT_DUPLICATES, &err);
	if (!*out) {
		verrors_add(&rq->errs, "body", "malformed_json");
		return OUT_BAD_REQUEST;
	}
	return OUT_OK;
}

void rq_add_header(struct request *rq, const char *name, const char *value)
{
	if (!value)
		return;
	CHECK(rq->nheaders < MAX_HEADERS);
	rq->header_names[rq->nheaders] = name;
	rq->header_values[rq->nheaders] = value;
	rq->nheaders++;
}

void rq_set_header(struct request *rq, const char *name, const char *value)
{
	for (int i = 0; i < rq->nheaders; i++)
		if (strcasecmp(rq->header_names[i], name) == 0) {
			rq->header_values[i] = value;
			return;
		}
	rq_add_header(rq, name, value);
}

void rq_read_all(struct request *rq, rq_read0_fn get)
{
	json_t *out = NULL;
	enum outcome res = get(&rq->cx, &out);
	rq_reply(rq, res, 200, out);
}

void rq_write_one(struct request *rq, rq_write_fn op, unsigned ok_status)
{
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = op(&rq->cx, rq->ids[0], body, &out);
	json_decref(body);
	rq_reply(rq, res, ok_status, out);
}

void rq_reply_record(struct request *rq, enum outcome out, unsigned ok_status, json_t *record,
		     void (*etag_of)(json_t *record, char out[48]), const char *location_prefix)
{
	if (out == OUT_OK) {
		char etag[48];
		etag_of(record, etag);
		rq_set_header(rq, MHD_HTTP_HEADER_ETAG, arena_strdup(&rq->arena, etag));
		if (ok_status == 201 && location_prefix)
			rq_add_header(rq, MHD_HTTP_HEADER_LOCATION, arena_printf(&rq->arena, "%s%lld",
				location_prefix, (long long)json_integer_value(json_object_get(record, "id"))));
	}
	rq_reply(rq, out, ok_status, record);
}

void rq_write_record(struct request *rq, rq_write_fn op, unsigned ok_status, rq_etag_fn etag_of)
{
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = op(&rq->cx, rq->ids[0], body, &out);
	json_decref(body);
	rq_reply_record(rq, res, ok_status, out, etag_of, NULL);
}

void rq_change_record(struct request *rq, rq_change_fn change, rq_etag_fn etag_of)
{
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = change(&rq->cx, rq->ids[0], rq_header(rq, MHD_HTTP_HEADER_IF_MATCH), body, &out);
	json_decref(body);
	rq_reply_record(rq, res, 200, out, etag_of, NULL);
}

void rq_create_record(struct request *rq, rq_write0_fn create, rq_etag_fn etag_of,
		      const char *location_prefix)
{
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = create(&rq->cx, body, &out);
	json_decref(body);
	rq_reply_record(rq, res, 201, out, etag_of, location_prefix);
}

void rq_write_new(struct request *rq, rq_write0_fn op, unsigned ok_status)
{
	json_t *body, *out = NULL;
	enum outcome res = rq_json_body(rq, &body);
	if (res == OUT_OK)
		res = op(&rq->cx, body, &out);
	json_decref(body);
	rq_reply(rq, res, ok_status, out);
}

void rq_json(struct request *rq, unsigned status, json_t *body)
{
	buf_reset(&rq->out);
	rq->status = status;
	rq->content_type = "application/json";
	if (body && rq->authenticated)
		privacy_present(rq->actor.role, body);
	char *s = body ? json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	if (s) {
		buf_puts(&rq->out, s);
		free(s);
	}
	buf_putc(&rq->out, '\n');
	json_decref(body);
}

void rq_defer(struct request *rq, void (*finish)(struct request *rq))
{
	rq->finish = finish;
	rq->deferred = true;
	MHD_suspend_connection(rq->conn);
}

void rq_wake(void *request)
{
	MHD_resume_connection(((struct request *)request)->conn);
}
