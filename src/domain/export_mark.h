/*
 * export_mark: who made an exported file and when. Every CSV, XLSX and PDF that anju hands
 * out carries it — the CSV in its file name, the XLSX in its document properties and a
 * first row on each sheet, the PDF in its metadata and a footer on every page — so a
 * spreadsheet found on a shared drive says whose download it was. Times are the county's
 * (the time_zone setting).
 */
#ifndef ANJU_DOMAIN_EXPORT_MARK_H
#define ANJU_DOMAIN_EXPORT_MARK_H

#include "core/msg.h"
#include "domain/actor.h"

struct export_mark {
	char by[64];		/* the user name */
	char at[32];		/* "2026-11-29 16:20:05 +08:00" */
	char iso[32];		/* "2026-11-29T16:20:05+08:00", for document properties */
	char stamp[20];		/* "20261129-162005", for file names */
	char line[320];		/* "Exported by admin, 2026-11-29 16:20:05 +08:00", in the language */
};

/* The mark for a file `actor` exports now, its line in `lang`. */
void export_mark_make(const struct actor *actor, enum lang lang, struct export_mark *m);
/* A download's file name: "BASE-USER-STAMP.EXT", the user name reduced to the characters
 * that are safe in a Content-Disposition header ([A-Za-z0-9._-], others '_'). */
void export_mark_file_name(const struct export_mark *m, const char *base, const char *ext,
		      char *out, size_t cap);
#endif
