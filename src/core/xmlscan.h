/*
 * xmlscan: a streaming reader of the two big parts of a workbook, its sheets and its
 * shared strings, calling back on each start tag, end tag and run of text, as expat does
 * but at a fraction of its cost per element (a county's ledger holds some fifty million
 * cells, read twice). It reads what Excel and the libraries that write workbooks write:
 * elements with attributes in either quote, namespace prefixes (kept in the names),
 * empty elements, the five predefined entities and character references, CDATA sections,
 * comments and processing instructions (skipped), a byte-order mark. A document type
 * declaration is refused (no entity of a workbook's own can then expand), and so are a
 * tag that does not close the element it ends, text outside the root, an unknown entity,
 * a control character, a truncated part and a tag over XMLSCAN_MAX_TOKEN bytes. Line ends
 * in text come out as "\n", as XML wants. Text is passed on as it is (UTF-8 is not
 * checked here: the caller checks the texts it keeps).
 *
 * Names and attribute values passed to the callbacks are NUL-terminated and valid only
 * during the call; attributes come as expat gives them: name, value, ..., NULL.
 */
#ifndef ANJU_XMLSCAN_H
#define ANJU_XMLSCAN_H
#include <stdbool.h>
#include <stddef.h>

#define XMLSCAN_MAX_TOKEN (4u << 20)	/* a tag, comment or CDATA section at most */
#define XMLSCAN_MAX_ATTRS 64

/* Reads up to n bytes into buf: how many (0 at the end), or -1 on a read error. */
typedef long long (*xmlscan_read_fn)(void *src, char *buf, size_t n);
typedef void (*xmlscan_start_fn)(void *ud, const char *name, const char **attrs);
typedef void (*xmlscan_end_fn)(void *ud, const char *name);
typedef void (*xmlscan_text_fn)(void *ud, const char *s, int n);

enum xmlscan_status {
	XMLSCAN_STOPPED,	/* a callback called xmlscan_stop: call xmlscan_run again to go on */
	XMLSCAN_END,		/* the whole document read, well formed */
	XMLSCAN_BAD,		/* not well formed, or truncated */
	XMLSCAN_IO,		/* the read failed, or memory ran out */
};

struct xmlscan;

struct xmlscan *xmlscan_new(xmlscan_read_fn read, void *src, void *ud, xmlscan_start_fn start,
			    xmlscan_end_fn end, xmlscan_text_fn text);
/* Reads on until a callback stops it or the document ends; an error is sticky. */
enum xmlscan_status xmlscan_run(struct xmlscan *x);
/* From a callback: the current run returns XMLSCAN_STOPPED once this event is done. */
void xmlscan_stop(struct xmlscan *x);
void xmlscan_free(struct xmlscan *x);
#endif
