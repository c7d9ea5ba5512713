/* anju migrate: apply pending schema migrations (serve does the same on start). */
#include <stdio.h>

#include "cli/cli.h"

int cmd_migrate(struct cli *c, int argc, char **argv)
{
	if (cli_wants_help(argc, argv) || argc > 1) {
		fputs("usage: anju migrate\nApplies the pending schema migrations and loads the"
		      " divisions into a new database.\n", argc > 1 && !cli_wants_help(argc, argv)
		      ? stderr : stdout);
		return argc > 1 && !cli_wants_help(argc, argv) ? 2 : 0;
	}
	if (cli_open(c))
		return 1;
	int64_t n;
	int rc = store_migrations_applied(c->db, &n);
	printf("%s: schema up to date (%ld migrations applied)\n", c->cfg.db_path, (long)n);
	cli_close(c);
	return rc == STORE_OK ? 0 : 1;
}
