/*
 * template: a small Mustache-like renderer for the HTML pages (no C Mustache library is
 * packaged in Debian 12). Templates are files in web/templates, compiled into the binary.
 *
 *   {{name}}          the value at a dotted path, HTML-escaped
 *   {{{name}}}        unescaped: only for HTML the server itself produced (SVG charts)
 *   {{#name}}..{{/name}}  repeated for each element of an array, or once when truthy
 *   {{^name}}..{{/name}}  once when missing, false, null, empty
 *   {{t key}}         the message `key` in the page's language (HTML-escaped)
 *   {{>name}}         another template, in the same context
 * Inside a section, names are looked up in the element first, then outwards; `.` is the
 * element itself.
 */
#ifndef ANJU_TEMPLATE_H
#define ANJU_TEMPLATE_H
#include <jansson.h>

#include "core/buf.h"
#include "core/msg.h"

/* Renders template `name` with `data` into out. Returns 0, or -1 when the template is
 * unknown or malformed (the error is also written to out, for the developer's eyes). */
int template_render(const char *name, json_t *data, enum lang lang, struct buf *out);
/* Renders a template given as text (for tests). */
int template_render_text(const char *text, json_t *data, enum lang lang, struct buf *out);
/* Appends s with &, <, >, " and ' escaped. */
void template_escape_html(struct buf *out, const char *s);
#endif
