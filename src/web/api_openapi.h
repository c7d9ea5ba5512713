/* api_openapi: the API's contract (web/openapi.json, OpenAPI 3.1) as built into the
 * program. Adding a route to src/web/routes.c means adding it to that document: the unit
 * test `openapi` fails, naming the route, until both agree. */
#ifndef ANJU_WEB_API_OPENAPI_H
#define ANJU_WEB_API_OPENAPI_H

#include <jansson.h>

/* The document's text, exactly as web/openapi.json holds it. */
const char *api_openapi_text(void);
/* The document parsed (once per process; never released); NULL if it does not parse,
 * which the unit test `openapi` rules out. */
const json_t *api_openapi_document(void);

#endif
