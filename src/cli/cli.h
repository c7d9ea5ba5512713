/* cli: what every command shares — settings and opening the database. */
#ifndef ANJU_CLI_H
#define ANJU_CLI_H
#include "core/config.h"
#include "core/msg.h"
#include "domain/actor.h"
#include "store/blobstore.h"
#include "store/store.h"

struct cli {
	struct config cfg;
	enum lang lang;
	struct store *store;
	struct store_conn *db;
	struct blobstore blobs;
	/* What domain calls from the command line run as: the system actor, whole database. */
	struct actor system;
	struct arena arena;
	struct verrors errs;
	struct ctx cx;
};

/* Opens the database, runs pending migrations, loads the divisions on first use, opens
 * the blob store and prepares c->cx. Prints the reason and returns -1 on failure. */
int cli_open(struct cli *c);
void cli_close(struct cli *c);
/* True when argv[i] is "-h" or "--help". */
int cli_wants_help(int argc, char **argv);

int cmd_serve(struct cli *c, int argc, char **argv);
int cmd_demo(struct cli *c, int argc, char **argv);
int cmd_migrate(struct cli *c, int argc, char **argv);
int cmd_report(struct cli *c, int argc, char **argv);
int cmd_user(struct cli *c, int argc, char **argv);
int cmd_backup(struct cli *c, int argc, char **argv);
int cmd_fsck(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);
int cmd_audit(struct cli *c, int argc, char **argv);
int cmd_import(struct cli *c, int argc, char **argv);
#endif
