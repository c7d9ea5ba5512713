/* api_openapi: the API's contract, web/openapi.json, built into the program and served as
 * it is at GET /api/v1/openapi.json (the page /docs/api renders it, pages_api_docs.c). */
#include "web/api_openapi.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/embedded.h"
#include "web/routes.h"

extern const struct embedded_file web_openapi[];

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char etag[24];
static json_t *parsed;

/* The document's ETag (FNV-1a of its bytes) and its parsed form, once per process. */
static void load(void)
{
	uint64_t h = 14695981039346656037ULL;
	for (const unsigned char *p = (const unsigned char *)web_openapi[0].content; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	snprintf(etag, sizeof(etag), "\"%016llx\"", (unsigned long long)h);
	parsed = json_loads(web_openapi[0].content, 0, NULL);
}

const char *api_openapi_text(void)
{
	return web_openapi[0].content;
}

const json_t *api_openapi_document(void)
{
	pthread_once(&once, load);
	return parsed;
}

void api_openapi(struct request *rq)
{
	pthread_once(&once, load);
	rq_add_header(rq, MHD_HTTP_HEADER_ETAG, etag);
	const char *inm = rq_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (inm && strcmp(inm, etag) == 0) {
		rq->status = 304;
		return;
	}
	buf_puts(&rq->out, web_openapi[0].content);
	rq->status = 200;
	rq->content_type = "application/json";
}
