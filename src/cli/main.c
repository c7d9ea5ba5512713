/*
 * anju: the command line. Global options come before the command:
 *   anju [--config FILE] [--db FILE] [--data DIR] COMMAND [ARGS]
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "core/date.h"
#include "core/log.h"
#include "domain/audit.h"
#include "domain/division.h"

static const char usage[] =
	"usage: anju [--config FILE] [--db FILE] [--data DIR] COMMAND [ARGS]\n"
	"\n"
	"commands:\n"
	"  serve     serve the web interface and the JSON API\n"
	"  demo      generate the demo county into an empty database\n"
	"  migrate   apply pending schema migrations\n"
	"  report    print a report (report county --format json|table)\n"
	"  user      manage accounts (user add|name|passwd|disable|enable|list)\n"
	"  backup    copy the live database consistently to a file\n"
	"  fsck      re-hash every stored file and report missing or corrupted ones\n"
	"  export    write households' files as BagIt bags (export bag --household|--community)\n"
	"  audit     check the audit log's hash chain (audit verify)\n"
	"  import    import households from XLSX or CSV, all or nothing (import households FILE)\n"
	"\n"
	"Each command takes --help. Settings also come from ANJU_* environment variables\n"
	"(ANJU_DB, ANJU_DATA, ANJU_BIND, ANJU_PORT, ANJU_THREADS); flags win.\n";

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

/* Creates the folder holding the database file when it does not exist yet. */
static void ensure_parent(const char *path)
{
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	mkdir(dir, 0750);
}

int cli_open(struct cli *c)
{
	char err[512];
	int applied, loaded;
	ensure_parent(c->cfg.db_path);
	c->store = store_open(c->cfg.db_path, err, sizeof(err));
	if (c->store)
		c->store->busy_timeout_ms = c->cfg.busy_timeout_ms;
	if (!c->store || !(c->db = store_connect(c->store, err, sizeof(err)))) {
		fprintf(stderr, "anju: %s\n", err);
		return -1;
	}
	if (store_migrate(c->db, &applied) != STORE_OK) {
		fprintf(stderr, "anju: %s: migration failed: %s\n", c->cfg.db_path, store_errmsg(c->db));
		return -1;
	}
	if (division_seed(c->db, &loaded) != STORE_OK) {
		fprintf(stderr, "anju: loading divisions failed: %s\n", store_errmsg(c->db));
		return -1;
	}
	if (applied)
		log_info("applied %d migration(s) to %s", applied, c->cfg.db_path);
	/* the chain's key lives in the data folder, not the database: before any audit row */
	if (audit_chain_key_load(c->cfg.data_dir, err, sizeof(err))) {
		fprintf(stderr, "anju: %s\n", err);
		return -1;
	}
	int64_t chained;	/* audit rows from before the chain (migration 004) */
	if (audit_chain_backfill(c->db, &chained) != STORE_OK) {
		fprintf(stderr, "anju: chaining the audit log failed: %s\n", store_errmsg(c->db));
		return -1;
	}
	if (chained)
		log_info("chained %lld audit row(s) written before the hash chain", (long long)chained);
	if (loaded)
		log_info("loaded %d divisions", loaded);
	if (blobstore_init(&c->blobs, c->cfg.data_dir, err, sizeof(err))) {
		fprintf(stderr, "anju: %s\n", err);
		return -1;
	}
	actor_system(&c->system);
	arena_init(&c->arena, 0);
	verrors_init(&c->errs, &c->arena);
	c->cx = (struct ctx){.db = c->db, .actor = &c->system, .arena = &c->arena,
			     .errs = &c->errs, .today = date_today(), .blobs = &c->blobs};
	return 0;
}

void cli_close(struct cli *c)
{
	if (c->db && audit_reads_flush(c->db) != STORE_OK)	/* reads a command logged */
		fprintf(stderr, "anju: writing read events to the audit log failed\n");
	arena_release(&c->arena);
	store_disconnect(c->db);
	store_close(c->store);
	c->db = NULL;
	c->store = NULL;
}

int main(int argc, char **argv)
{
	struct cli c;
	char err[512];
	memset(&c, 0, sizeof(c));
	/* The database, its -wal and -shm, blobs, temporary files and backups hold personal
	 * data: whatever creates them, only this account may read them (0600 files, 0700
	 * folders). Set before anything is opened, so no path escapes it. */
	umask(077);
	config_defaults(&c.cfg);
	const char *lang = getenv("ANJU_LANG") ? getenv("ANJU_LANG") : getenv("LANG");
	c.lang = lang && strncmp(lang, "zh", 2) == 0 ? LANG_ZH : LANG_EN;
	if (sodium_init() < 0) {
		fprintf(stderr, "anju: libsodium failed to initialise\n");
		return 1;
	}

	/* The config file first, then the environment, then the flags. */
	int i = 1;
	for (int j = 1; j + 1 < argc && argv[j][0] == '-'; j += 2)
		if (strcmp(argv[j], "--config") == 0 &&
		    config_load_file(&c.cfg, argv[j + 1], err, sizeof(err))) {
			fprintf(stderr, "anju: %s\n", err);
			return 2;
		}
	if (config_load_env(&c.cfg, err, sizeof(err))) {
		fprintf(stderr, "anju: %s\n", err);
		return 2;
	}
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *key = NULL;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return 0;
		}
		if (strcmp(argv[i], "--config") == 0) {
			i++;
			continue;
		}
		if (strcmp(argv[i], "--db") == 0)
			key = "db";
		else if (strcmp(argv[i], "--data") == 0)
			key = "data";
		if (!key || i + 1 >= argc) {
			fprintf(stderr, "anju: unknown or incomplete option '%s'\n%s", argv[i], usage);
			return 2;
		}
		if (config_set(&c.cfg, key, argv[++i], err, sizeof(err))) {
			fprintf(stderr, "anju: %s\n", err);
			return 2;
		}
	}
	/* Times shown to people (who exported a file, and when) are the county's; set before
	 * any thread starts, as tzset is not thread-safe. */
	setenv("TZ", c.cfg.time_zone, 1);
	tzset();
	if (i >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	static const struct {
		const char *name;
		int (*fn)(struct cli *, int, char **);
	} commands[] = {
		{"serve", cmd_serve}, {"demo", cmd_demo}, {"migrate", cmd_migrate},
		{"audit", cmd_audit},
		{"report", cmd_report}, {"user", cmd_user}, {"backup", cmd_backup},
		{"fsck", cmd_fsck}, {"export", cmd_export}, {"import", cmd_import},
	};
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (strcmp(argv[i], commands[k].name) == 0)
			return commands[k].fn(&c, argc - i, argv + i);
	fprintf(stderr, "anju: unknown command '%s'\n%s", argv[i], usage);
	return 2;
}
