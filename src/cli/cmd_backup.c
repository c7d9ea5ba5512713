/* anju backup FILE: a consistent copy of the live database, one snapshot (store_backup). */
#include <stdio.h>
#include <sys/stat.h>

#include "cli/cli.h"

int cmd_backup(struct cli *c, int argc, char **argv)
{
	char err[512];
	struct stat st;
	if (cli_wants_help(argc, argv) || argc != 2) {
		fputs("usage: anju backup FILE\nCopies the database consistently to FILE while the"
		      " server keeps running. FILE must not exist.\n", argc != 2 ? stderr : stdout);
		return argc != 2 ? 2 : 0;
	}
	if (stat(argv[1], &st) == 0) {
		fprintf(stderr, "anju backup: %s exists; choose a new file name\n", argv[1]);
		return 1;
	}
	if (cli_open(c))
		return 1;
	/* store_backup removes a copy it could not finish; a FILE that appeared meanwhile is
	 * someone else's and stays. */
	int rc = store_backup(c->db, argv[1], err, sizeof(err));
	if (rc != STORE_OK) {
		fprintf(stderr, "anju backup: %s\n", err);
	} else {
		printf("anju backup: %s copied to %s\n", c->cfg.db_path, argv[1]);
	}
	cli_close(c);
	return rc == STORE_OK ? 0 : 1;
}
