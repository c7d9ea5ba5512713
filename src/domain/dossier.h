/*
 * dossier: the printable household file (PDF, cairo + pango, Noto CJK fonts):
 *  - a cover sheet with the household's data and members (ID numbers masked),
 *  - the catalogue of items (卷内目录) with reference codes and where each paper original
 *    lies, continued over as many pages as it needs,
 *  - the pictures' thumbnails;
 * and the label for the paper file box: the household's file reference and a QR code
 * that opens the household's page.
 */
#ifndef ANJU_DOSSIER_H
#define ANJU_DOSSIER_H
#include <jansson.h>

#include "core/buf.h"
#include "core/outcome.h"
#include "domain/actor.h"
#include "domain/export_mark.h"

/* Renders the dossier of a household (within scope) into out; every page carries the
 * mark's line as its footer, and the document its author and creation time. */
enum outcome dossier_pdf(struct ctx *cx, int64_t household_id, const struct export_mark *mark,
			 struct buf *out);
/* Renders the box label; the QR code holds base_url + "/households/" + id; the mark as
 * on the dossier. */
enum outcome dossier_label_pdf(struct ctx *cx, int64_t household_id, const char *base_url,
			       const struct export_mark *mark, struct buf *out);
/* Renders a printable list (a published award list): a title, a line under it, then a
 * table of `columns` ([{"label", "width"}], widths in points summing to at most the page's
 * 499) and `rows` (arrays of strings), over as many A4 pages as it takes, the headings on
 * each; the mark as on the dossier. The caller masks what the rows hold. */
enum outcome dossier_list_pdf(const char *title, const char *subtitle, json_t *columns,
			      json_t *rows, const struct export_mark *mark, struct buf *out);
/* Releases the font and cairo caches at exit, so leak checkers see only real leaks. */
void dossier_shutdown(void);
#endif
