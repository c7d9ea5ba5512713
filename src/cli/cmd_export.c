/* anju export bag: one household's file, or every household of a community, as BagIt bags. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/tar.h"
#include "domain/audit.h"
#include "domain/bag.h"

static const char help[] =
	"usage: anju export bag --household ID --output FILE.tar\n"
	"       anju export bag --community CODE --output DIR\n"
	"Writes the household's file as a BagIt 1.0 bag in a tar; with --community, one bag per\n"
	"household resettled in that community (12-digit code), named NUMBER.tar, into DIR.\n";

/* Writes one household's bag to path (via a temporary name, renamed when complete). */
static int write_bag(struct cli *c, int64_t id, const char *path)
{
	char tmp[1100], name[40], buf[65536];
	struct tar t;
	tar_init(&t, time(NULL));
	enum outcome res = bag_build(&c->cx, id, &t, name);
	if (res != OUT_OK) {
		fprintf(stderr, "anju export: household %lld: %s\n", (long long)id,
			res == OUT_NOT_FOUND ? "no such household" : "cannot read its records");
		tar_release(&t);
		return -1;
	}
	audit_read(&c->cx, "export", "household", id, 1, "bag");	/* written at exit */
	snprintf(tmp, sizeof(tmp), "%s.partial", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0640), rc = fd < 0 ? -1 : 0;
	ssize_t n;
	while (rc == 0 && (n = tar_read(&t, buf, sizeof(buf))) != 0) {
		if (n < 0 || write(fd, buf, (size_t)n) != n)
			rc = -1;
	}
	if (fd >= 0 && (fsync(fd) || close(fd)))
		rc = -1;
	if (rc == 0 && rename(tmp, path))
		rc = -1;
	if (rc) {
		fprintf(stderr, "anju export: %s: %s\n", path, strerror(errno ? errno : EIO));
		unlink(tmp);
	}
	tar_release(&t);
	return rc;
}

int cmd_export(struct cli *c, int argc, char **argv)
{
	const char *household = NULL, *community = NULL, *output = NULL;
	if (cli_wants_help(argc, argv)) {
		fputs(help, stdout);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "bag") != 0) {
		fputs(help, stderr);
		return 2;
	}
	for (int i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--household") == 0)
			household = argv[i + 1];
		else if (strcmp(argv[i], "--community") == 0)
			community = argv[i + 1];
		else if (strcmp(argv[i], "--output") == 0)
			output = argv[i + 1];
		else
			break;
	}
	if (!output || !!household == !!community || argc % 2 != 0) {
		fputs(help, stderr);
		return 2;
	}
	if (cli_open(c))
		return 1;
	int rc = 0;
	if (household) {
		char *end;
		long long id = strtoll(household, &end, 10);
		rc = *end || id < 1 ? -1 : write_bag(c, id, output);
		if (*end || id < 1)
			fprintf(stderr, "anju export: --household takes a household id\n");
	} else {
		if (strlen(community) != 12 || strspn(community, "0123456789") != 12) {
			fprintf(stderr, "anju export: --community takes a 12-digit community code\n");
			rc = -1;
		} else if (mkdir(output, 0750) && errno != EEXIST) {
			fprintf(stderr, "anju export: %s: %s\n", output, strerror(errno));
			rc = -1;
		}
		struct bag_households hh = {0};
		if (rc == 0 && bag_community_households(&c->cx, community, &hh) != STORE_OK)
			rc = -1;
		int64_t *ids = hh.ids;
		char **numbers = hh.numbers;
		size_t n = hh.n;
		/* One household's broken file (fsck would say why) does not stop the others. */
		size_t failed = 0;
		for (size_t i = 0; i < n && rc == 0; i++) {
			char path[1200];
			snprintf(path, sizeof(path), "%s/%s.tar", output, numbers[i]);
			failed += write_bag(c, ids[i], path) != 0;
		}
		if (rc == 0)
			printf("anju export: %zu bags written to %s, %zu failed\n", n - failed, output, failed);
		if (failed)
			rc = -1;
		free(ids);
		free(numbers);
	}
	cli_close(c);
	return rc ? 1 : 0;
}
