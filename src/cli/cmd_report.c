/* anju report county --format json|table */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/date.h"
#include "core/utf8.h"
#include "domain/report.h"

static const char help[] =
	"usage: anju report county [--format json|table] [--scope CODE]\n"
	"Prints the county's figures, computed from the records (all of them, or those\n"
	"within the division CODE).\n";

/* Prints text padded to `width` terminal columns (left-aligned), CJK counted double. */
static void print_cell(const char *text, size_t width)
{
	size_t w = utf8_display_width(text);
	fputs(text, stdout);
	for (; w < width; w++)
		putchar(' ');
}

static void print_table(struct cli *c, json_t *r)
{
	static const char *const keys[] = {"households", "persons", "registered_poor_households",
		"registered_poor_persons", "synchronous_households", "synchronous_persons", NULL};
	for (int i = 0; keys[i]; i++) {
		char key[64];
		snprintf(key, sizeof(key), "report_%s", keys[i]);
		print_cell(msg_get(c->lang, key), 36);
		printf("%10lld\n", (long long)json_integer_value(json_object_get(r, keys[i])));
	}
	static const char *const heads[] = {"report_households_short", "report_persons_short",
					    "report_poor_hh_short", "report_poor_p_short"};
	putchar('\n');
	print_cell(msg_get(c->lang, "report_code"), 12);
	print_cell(msg_get(c->lang, "report_town"), 14);
	for (int k = 0; k < 4; k++) {
		const char *h = msg_get(c->lang, heads[k]);
		for (size_t w = utf8_display_width(h); w < 11; w++)
			putchar(' ');
		fputs(h, stdout);
	}
	putchar('\n');
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(r, "by_origin_town"), i, row) {
		print_cell(json_string_value(json_object_get(row, "code")), 12);
		print_cell(json_string_value(json_object_get(row, "name")), 14);
		printf("%11lld%11lld%11lld%11lld\n",
		       (long long)json_integer_value(json_object_get(row, "households")),
		       (long long)json_integer_value(json_object_get(row, "persons")),
		       (long long)json_integer_value(json_object_get(row, "registered_poor_households")),
		       (long long)json_integer_value(json_object_get(row, "registered_poor_persons")));
	}
}

int cmd_report(struct cli *c, int argc, char **argv)
{
	const char *format = "table", *scope = "";
	if (cli_wants_help(argc, argv)) {
		fputs(help, stdout);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "county") != 0) {
		fprintf(stderr, "anju report: which report? (county)\n%s", help);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc &&
		    (strcmp(argv[i + 1], "json") == 0 || strcmp(argv[i + 1], "table") == 0)) {
			format = argv[++i];
		} else if (strcmp(argv[i], "--scope") == 0 && i + 1 < argc &&
			   strlen(argv[i + 1]) < 13 &&
			   strspn(argv[i + 1], "0123456789") == strlen(argv[i + 1])) {
			scope = argv[++i];
		} else {
			fprintf(stderr, "anju report: bad option '%s'\n%s", argv[i], help);
			return 2;
		}
	}
	if (cli_open(c))
		return 1;
	snprintf(c->system.scope, sizeof(c->system.scope), "%s", scope);
	struct ctx *cx = &c->cx;
	json_t *r = NULL;
	enum outcome out = report_county(cx, &r);
	if (out == OUT_OK && strcmp(format, "json") == 0) {
		json_dumpf(r, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		putchar('\n');
	} else if (out == OUT_OK) {
		print_table(c, r);
	} else {
		fprintf(stderr, "anju report: %s\n", store_errmsg(c->db));
	}
	json_decref(r);
	cli_close(c);
	return out == OUT_OK ? 0 : 1;
}
