/* pages_static: the stylesheet and the script, embedded in the program (web/static). */

#include <string.h>

#include "core/embedded.h"
#include "web/page.h"

/* ---------------------------------------------------------------- static files */

extern const struct embedded_file web_static[];

void page_static(struct request *rq)
{
	const char *name = strrchr(rq->path, '/') + 1;
	for (const struct embedded_file *f = web_static; f->name; f++) {
		if (strcmp(f->name, name) != 0)
			continue;
		buf_puts(&rq->out, f->content);
		rq->status = 200;
		rq->content_type = strstr(name, ".css") ? "text/css; charset=utf-8"
							: "text/javascript; charset=utf-8";
		return;
	}
	rq_problem(rq, OUT_NOT_FOUND, NULL);
}
