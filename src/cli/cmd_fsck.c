/* anju fsck [--repair [--from DIR]]: re-hash every stored file; report missing and corrupted
 * ones by household and item, and orphans (files no row names); record the check. With
 * --repair, remove the orphans and put back damaged files from DIR. Exits 0 only when every
 * blob is intact (after the repairs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/fixity.h"

static const char help[] =
	"usage: anju fsck [--repair [--from DIR]] [--orphan-age SECONDS]\n"
	"Re-hashes every stored file, reports each missing or corrupted one with the\n"
	"households and items that refer to it, and each orphan (a file in the blob folder\n"
	"that no record names, left by a crash) at least SECONDS old (default 3600: younger\n"
	"ones may belong to an upload still being saved), and records the check.\n"
	"--repair removes those orphans and, with --from DIR, puts back each missing or\n"
	"corrupted file from a good copy in DIR (a backup of the data folder, or a folder of\n"
	"files named by their SHA-256), saying what it did. Uploading the same file again\n"
	"also repairs it. Exit status 0 when every file is intact (orphans or not), 1 when\n"
	"any is missing or corrupted.\n";

int cmd_fsck(struct cli *c, int argc, char **argv)
{
	bool repair = false;
	const char *from = NULL;
	long long orphan_age = BLOBSTORE_SAFE_AGE;
	if (cli_wants_help(argc, argv)) {
		fputs(help, stdout);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		char *end = NULL;
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(argv[i], "--repair") == 0)
			repair = true;
		else if (strcmp(argv[i], "--from") == 0 && v)
			from = argv[++i];
		else if (strcmp(argv[i], "--orphan-age") == 0 && v &&
			 (orphan_age = strtoll(v, &end, 10)) >= 0 && *v && !*end)
			i++;
		else {
			fprintf(stderr, "anju fsck: bad option '%s'\n%s", argv[i], help);
			return 2;
		}
	}
	if (from && !repair) {
		fprintf(stderr, "anju fsck: --from goes with --repair\n%s", help);
		return 2;
	}
	if (cli_open(c))
		return 1;
	struct fixity_result res;
	int rc = fixity_check(&c->cx, &res);
	if (rc == 0 && repair && from && res.nproblems) {
		int restored = 0;
		for (int i = 0; i < res.nproblems; i++) {
			char *path = fixity_restore(&c->cx, res.problems[i].sha256, from);
			if (path)
				printf("RESTORED %s from %s (%s)\n", res.problems[i].sha256, path,
				       res.problems[i].where);
			else
				printf("NOT RESTORED %s: no good copy in %s\n", res.problems[i].sha256, from);
			restored += path != NULL;
			free(path);
		}
		/* What is recorded and reported is the state after the repairs. */
		if (restored) {
			fixity_result_release(&res);
			rc = fixity_check(&c->cx, &res);
		}
	}
	if (rc == 0) {
		for (int i = 0; i < res.nproblems; i++)
			printf("%s %s: %s\n", res.problems[i].state == BLOB_MISSING ? "MISSING" : "CORRUPTED",
			       res.problems[i].sha256, res.problems[i].where);
	}
	struct fixity_orphan *orphans = NULL;
	int norphans = 0;
	if (rc == 0 && fixity_orphans(&c->cx, orphan_age, repair, &orphans, &norphans) != 0) {
		fprintf(stderr, "anju fsck: the blob folder could not be read completely\n");
		rc = -1;
	}
	long long removed = 0;
	for (int i = 0; i < norphans; i++) {
		printf("%s %s (%llu bytes, %lld s old)\n", orphans[i].removed ? "REMOVED ORPHAN" : "ORPHAN",
		       orphans[i].sha256, orphans[i].size, orphans[i].age);
		removed += orphans[i].removed;
	}
	free(orphans);
	if (rc == 0)
		printf("anju fsck: %lld files checked, %lld missing, %lld corrupted, %d orphans"
		       " (%lld removed)\n", (long long)res.blobs, (long long)res.missing,
		       (long long)res.corrupted, norphans, removed);
	else
		fprintf(stderr, "anju fsck: the check could not run: %s\n", store_errmsg(c->db));
	/* Orphans are waste, not damage: reported, they do not fail the check. */
	int intact = rc == 0 && res.missing == 0 && res.corrupted == 0;
	fixity_result_release(&res);
	cli_close(c);
	return intact ? 0 : 1;
}
