/* anju audit verify: walk the audit log's hash chain, name the first broken row, record the
 * verification (the dashboard shows the last one). Exit 0 when intact, 1 when not. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/audit.h"

static const char help[] =
	"usage: anju [--data DIR] audit verify\n"
	"Recomputes every audit row's hash chain in order and names the first row whose chain\n"
	"does not match (edited, inserted, or the row before it removed). Exit status 0 when\n"
	"the chain is intact, 1 when it is broken, 2 on a usage error. The chain is keyed with\n"
	"DIR/audit.key, so it needs the same data folder as the server; each intact check\n"
	"appends its row count and head to DIR/audit.verified, and the next check finds those\n"
	"rows still there.\n";

int cmd_audit(struct cli *c, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		fputs(help, stdout);
		return 0;
	}
	if (argc != 2 || strcmp(argv[1], "verify") != 0) {
		fputs(help, stderr);
		return 2;
	}
	if (cli_open(c))
		return 1;
	struct audit_check chk;
	enum outcome res = audit_chain_verify(&c->cx, &chk);
	int status;
	if (res != OUT_OK) {
		fprintf(stderr, "anju audit verify: the check could not run: %s\n",
			chk.reason[0] ? chk.reason : store_errmsg(c->db));
		status = 1;
	} else if (chk.broken_id) {
		printf("anju audit verify: BROKEN at row %lld: it %s (%lld rows checked)\n",
		       (long long)chk.broken_id, chk.reason, (long long)chk.checked);
		status = 1;
	} else {
		printf("anju audit verify: intact, %lld rows checked\n", (long long)chk.checked);
		status = 0;
	}
	cli_close(c);
	return status;
}
