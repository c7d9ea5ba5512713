/* anju fsck: re-hash every stored file; report missing and corrupted ones by household and
 * item; record the check. Exits 0 only when every blob is intact. */
#include <stdio.h>

#include "cli/cli.h"
#include "domain/fixity.h"

int cmd_fsck(struct cli *c, int argc, char **argv)
{
	if (cli_wants_help(argc, argv) || argc > 1) {
		fputs("usage: anju fsck\nRe-hashes every stored file, reports each missing or"
		      " corrupted one with the\nhouseholds and items that refer to it, and records the"
		      " check. Exit status 0\nwhen every file is intact, 1 when any is not.\n",
		      argc > 1 && !cli_wants_help(argc, argv) ? stderr : stdout);
		return argc > 1 && !cli_wants_help(argc, argv) ? 2 : 0;
	}
	if (cli_open(c))
		return 1;
	struct fixity_result res;
	int rc = fixity_check(&c->cx, &res);
	if (rc == 0) {
		for (int i = 0; i < res.nproblems; i++)
			printf("%s %s: %s\n", res.problems[i].state == BLOB_MISSING ? "MISSING" : "CORRUPTED",
			       res.problems[i].sha256, res.problems[i].where);
		printf("anju fsck: %lld files checked, %lld missing, %lld corrupted\n",
		       (long long)res.blobs, (long long)res.missing, (long long)res.corrupted);
	} else {
		fprintf(stderr, "anju fsck: the check could not run: %s\n", store_errmsg(c->db));
	}
	int intact = rc == 0 && res.missing == 0 && res.corrupted == 0;
	fixity_result_release(&res);
	cli_close(c);
	return intact ? 0 : 1;
}
