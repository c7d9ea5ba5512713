/* anju import: households with their members from CSV or XLSX, all or nothing; and the
 * template those files can start from. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/import.h"
#include "domain/import_workbook.h"

static const char help[] =
	"usage: anju import households|jobs|trainings|guarantees FILE [--dry-run]\n"
	"                   [--errors OUT.xlsx]\n"
	"       anju import template households|jobs|trainings|guarantees --output FILE.xlsx\n"
	"Imports households with their members from FILE (XLSX, or CSV in UTF-8 or GB18030) in\n"
	"one transaction: when any row is in error nothing is written, the errors are printed\n"
	"and, with --errors, written beside the file's own rows into OUT.xlsx (which must not\n"
	"exist: it is refused with exit 2). --dry-run checks everything and writes nothing.\n"
	"Exit 0 when everything was imported (or would be), 1 when any row or the file was\n"
	"refused, 2 on bad usage. jobs, trainings and guarantees add rows to the ledgers of\n"
	"persons already registered, found by ID number (a row equal to one the person has is\n"
	"left as it is).\n"
	"The template's first sheet's first row holds the column headers the import reads.\n";

static void progress(void *arg, const char *phase, long rows, long errors)
{
	struct cli *c = arg;
	fprintf(stderr, "\r");
	fprintf(stderr, msg_get(c->lang, strcmp(phase, "write") == 0 ? "import_writing"
				: "import_running"), rows, errors);
	fflush(stderr);
}

static long count(json_t *result, const char *what, const char *which)
{
	return (long)json_integer_value(json_object_get(json_object_get(
		json_object_get(result, "counts"), what), which));
}

static void print_result(json_t *result)
{
	json_t *file = json_object_get(result, "file");
	printf("import %lld: %s (%s, %s, %s), %lld rows\n",
	       (long long)json_integer_value(json_object_get(result, "id")),
	       json_string_value(json_object_get(result, "status")),
	       json_string_value(json_object_get(file, "name")),
	       json_string_value(json_object_get(file, "format")) ?
	       json_string_value(json_object_get(file, "format")) : "?",
	       json_string_value(json_object_get(file, "encoding")) ?
	       json_string_value(json_object_get(file, "encoding")) : "?",
	       (long long)json_integer_value(json_object_get(result, "rows")));
	const char *what;
	json_t *c;
	json_object_foreach(json_object_get(result, "counts"), what, c)
		printf("%-10s  create %ld  update %ld  unchanged %ld  error %ld\n", what,
		       count(result, what, "create"), count(result, what, "update"),
		       count(result, what, "unchanged"), count(result, what, "error"));
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(result, "errors"), i, e) {
		if (i == 50) {
			printf("... %lld errors in all\n", (long long)json_integer_value(
			       json_object_get(result, "errors_total")));
			break;
		}
		const char *sheet = json_string_value(json_object_get(e, "sheet"));
		const char *value = json_string_value(json_object_get(e, "value"));
		if (json_integer_value(json_object_get(e, "row")) == 0) {	/* the file, a sheet */
			printf("%s%s%s%s%s%s\n", sheet && *sheet ? sheet : "", sheet && *sheet ? ": " : "",
			       json_string_value(json_object_get(e, "message")),
			       value && *value ? " [" : "", value && *value ? value : "",
			       value && *value ? "]" : "");
			continue;
		}
		printf("%s%s%lld %s%s%s: %s%s%s%s\n", sheet && *sheet ? sheet : "",
		       sheet && *sheet ? " row " : "row ",
		       (long long)json_integer_value(json_object_get(e, "row")),
		       json_string_value(json_object_get(e, "column")),
		       *json_string_value(json_object_get(e, "column")) ? " " : "",
		       json_string_value(json_object_get(e, "field")),
		       json_string_value(json_object_get(e, "message")),
		       value && *value ? " [" : "", value && *value ? value : "",
		       value && *value ? "]" : "");
	}
}

int cmd_import(struct cli *c, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		fputs(help, stdout);
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "template") == 0 && strcmp(argv[3], "--output") == 0) {
		if (!import_kind_known(argv[2])) {
			fprintf(stderr, "anju import: no template for '%s'\n", argv[2]);
			return 2;
		}
		if (import_workbook_template(argv[2], argv[4]) != 0) {
			fprintf(stderr, "anju import: cannot write %s\n", argv[4]);
			return 1;
		}
		return 0;
	}
	if (argc < 3 || !import_kind_known(argv[1])) {
		fputs(help, stderr);
		return 2;
	}
	struct import_opts o = {.kind = argv[1], .path = argv[2], .file_name = argv[2],
				.lang = c->lang};
	const char *errors_out = NULL;
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			o.dry_run = true;
		else if (strcmp(argv[i], "--errors") == 0 && i + 1 < argc)
			errors_out = argv[++i];
		else {
			fputs(help, stderr);
			return 2;
		}
	}
	if (errors_out && access(errors_out, F_OK) == 0) {	/* never over a file, the input least */
		fprintf(stderr, "anju import: ");
		fprintf(stderr, msg_get(c->lang, "import_errors_exists"), errors_out);
		fputc('\n', stderr);
		return 2;
	}
	o.errors_out = errors_out;
	if (access(o.path, R_OK) != 0) {
		fprintf(stderr, "anju import: cannot read %s\n", o.path);
		return 1;
	}
	const char *base = strrchr(o.path, '/');
	o.file_name = base ? base + 1 : o.path;
	if (isatty(2)) {
		o.progress = progress;
		o.progress_arg = c;
	}
	if (cli_open(c))
		return 1;
	json_t *result = NULL;
	enum outcome res = import_run(&c->cx, &o, &result);
	if (o.progress)
		fputc('\n', stderr);
	int rc = res == OUT_OK ? 0 : 1;
	if (result)
		print_result(result);
	else
		fprintf(stderr, "anju import: %s\n", res == OUT_FORBIDDEN ? "not allowed"
			: "the database could not be written");
	const char *written = json_string_value(json_object_get(result, "errors_out"));
	if (written && strcmp(written, "written") == 0)
		printf("errors written to %s\n", errors_out);
	else if (written && strcmp(written, "exists") == 0) {
		fprintf(stderr, "anju import: ");
		fprintf(stderr, msg_get(c->lang, "import_errors_exists"), errors_out);
		fputc('\n', stderr);
		rc = 1;
	} else if (written) {
		fprintf(stderr, "anju import: cannot write %s\n", errors_out);
		rc = 1;
	}
	json_decref(result);
	cli_close(c);
	return rc;
}
