/*
 * export_list: the download of a list the API pages through by its `after` cursor
 * (petitions, service requests, facilities): one copy of what each list did alone — keep
 * the filter and its text past the request's arena, read it a page at a time, present the
 * rows for the actor's role, label the columns, audit the export and send it (export.h).
 *
 *   static EXPORT_LIST_PAGE(list_page, struct petition_filter, petition_list)
 *   ...
 *   struct export_list *x = export_list_new(list_page, &f, sizeof(f), f.after);
 *   struct petition_filter *kept = export_list_filter(x);
 *   kept->community = export_list_keep(x, f.community);   (every text of the filter)
 *   export_list_send(rq, x, format, &(struct export_list_names){...});
 */
#ifndef ANJU_WEB_EXPORT_LIST_H
#define ANJU_WEB_EXPORT_LIST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "web/request.h"

/* Reads one page of at most `max` rows after the cursor `after` (0: from the start) with
 * the kept filter: {"items": [...], "next": "<cursor>" or null}. */
typedef enum outcome (*export_list_page_fn)(struct ctx *cx, void *filter, int64_t after,
					    int max, json_t **page);

/* Defines `name`, the export_list_page_fn of a list whose filter (filter_type) has
 * `after` and `limit` and whose read is `list(cx, filter, &page)`; written after
 * `static`: static EXPORT_LIST_PAGE(list_page, struct petition_filter, petition_list) */
#define EXPORT_LIST_PAGE(name, filter_type, list)					\
	enum outcome name(struct ctx *cx, void *filter, int64_t after, int max,	\
				 json_t **page)						\
	{										\
		filter_type *f = filter;						\
		f->after = after;							\
		f->limit = max;								\
		return list(cx, f, page);						\
	}

struct export_list;

/* What an export of the list is called. */
struct export_list_names {
	const char *base;		/* the file's name: "petitions" */
	const char *entity;		/* audited as an export of it: "petition" */
	const char *sheet_key;		/* the sheet's name, a message key: "nav_petitions" */
	const char *label_prefix;	/* a column's label is the message label_prefix + key */
	const char *const *keys;	/* the columns, ending with NULL */
	/* Columns of codes in words (export_column_words): key, message prefix, ..., NULL;
	 * NULL when none. */
	const char *const *words;
	/* Columns of a catalogue's codes (export_column_names), read when the export starts;
	 * ending with {NULL}, or NULL when none. */
	const struct export_list_catalogue {
		const char *key;
		enum outcome (*list)(struct ctx *cx, json_t **out);
	} *catalogues;
};

/* A list to export: a copy of `filter` (size bytes) read from `after` by `page`. NULL
 * when short of memory (export_list_send then answers 413). */
struct export_list *export_list_new(export_list_page_fn page, const void *filter,
				    size_t size, int64_t after);
/* The kept copy of the filter, to point its text at export_list_keep's copies. */
void *export_list_filter(struct export_list *x);
/* A copy of a filter's text kept as long as the export (NULL stays NULL). */
const char *export_list_keep(struct export_list *x, const char *text);
/* Sends the list as `format` (csv, xlsx) and releases x, whatever happens: 413 when x is
 * NULL or a copy failed. */
void export_list_send(struct request *rq, struct export_list *x, const char *format,
		      const struct export_list_names *names);

#endif
