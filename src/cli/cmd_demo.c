/* anju demo: generate the demo county into an empty database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/date.h"
#include "core/media.h"
#include "demo/demo.h"

static const char help[] =
	"usage: anju demo [--seed N] [--persons N] [--no-users] [--no-followup]\n"
	"Generates a deterministic Songtao county into an empty database: by default the\n"
	"article's 14,697 households and 68,130 persons; --persons N scales it (e.g. 1920000\n"
	"for Guizhou). Also creates demo accounts (admin, county, liaogao, zhengda, tuanshan,\n"
	"yucai, archivist, auditor) with the password " DEMO_PASSWORD " unless --no-users.\n"
	"The follow-up ledgers (jobs, trainings, guarantees, schooling, plots, steps, visits,\n"
	"and 6,048 labor-capacity items in 4,061 volumes) are filled too unless --no-followup;\n"
	"their dates are drawn relative to today.\n";

static int parse_num(const char *s, long max, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || end == s || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

int cmd_demo(struct cli *c, int argc, char **argv)
{
	struct demo_options opt = {.with_users = 1, .sample_files = 1};
	long v;
	if (cli_wants_help(argc, argv)) {
		fputs(help, stdout);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-users") == 0) {
			opt.with_users = 0;
		} else if (strcmp(argv[i], "--no-followup") == 0) {
			opt.no_followup = 1;
		} else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc &&
			   !parse_num(argv[i + 1], 2147483647L, &v)) {
			opt.seed = (uint64_t)v;
			i++;
		} else if (strcmp(argv[i], "--persons") == 0 && i + 1 < argc &&
			   !parse_num(argv[i + 1], 20000000L, &v)) {
			opt.persons = v;
			i++;
		} else {
			fprintf(stderr, "anju demo: bad option '%s'\n%s", argv[i], help);
			return 2;
		}
	}
	if (cli_open(c))
		return 1;
	if (media_init(argv[0])) {
		fprintf(stderr, "anju demo: libvips failed to start\n");
		cli_close(c);
		return 1;
	}
	struct ctx *cx = &c->cx;
	struct demo_summary sum;
	const char *err;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = demo_generate(cx, &opt, &sum, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc) {
		fprintf(stderr, "anju demo: %s\n", msg_get(c->lang, err));
	} else {
		printf("anju demo: %ld households (%ld registered-poor), %ld persons (%ld"
		       " registered-poor), %ld sites, %ld rooms, %ld facilities, %ld service requests,"
		       " %ld petitions, %ld volunteers with %ld visits and %ld needs in %.2f s (registry"
		       " and archive %.2f s, follow-up ledgers %.2f s, services %.2f s)\n", sum.households,
		       sum.poor_households, sum.persons, sum.poor_persons, sum.sites, sum.rooms,
		       sum.facilities, sum.service_requests, sum.petitions, sum.volunteers,
		       sum.volunteer_visits, sum.needs,
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		       sum.seconds_registry, sum.seconds_followup, sum.seconds_services);
		printf("anju demo: %ld evaluations of model households, %ld awards\n",
		       sum.evaluations, sum.awards);
		printf("anju demo: %ld activities with %ld attendances, %ld start-ups, %ld home-employment"
		       " jobs in %.2f s\n", sum.activities, sum.attendances, sum.businesses, sum.home_jobs,
		       sum.seconds_activities);
		printf("anju demo: the two halls: %ld exhibits, %ld visits, %ld Homesickness Hall"
		       " visitors (%.2f s)\n", sum.hall_exhibits, sum.hall_visits,
		       sum.homesickness_hall_visitors, sum.seconds_halls);
	}
	media_shutdown();
	cli_close(c);
	return rc ? 1 : 0;
}
