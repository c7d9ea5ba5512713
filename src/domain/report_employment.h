/*
 * report_employment: the county's employment and "threes" figures — labor force, employed
 * by type, employment rate, zero-employment households, trained, insured by guarantee,
 * children enrolled, family doctors, plots by use — for the county, each origin town and
 * each destination community, computed from the records in one pass over them (a few
 * sequential scans joined in memory, so a province's two million people take about a
 * second), and the records behind any figure from the same pass.
 *
 * Definitions (ages from followup_settings, on today's date, members of households that
 * are not closed):
 *   labor_force        aged labor_age_min..labor_age_max with ordinary, skilled or weak capacity
 *   employed           labor-force persons with a job covering today (type: the main job's)
 *   zero_employment_households  relocated or settled households with labor force, none employed
 *   trained            labor-force persons with any training record
 *   *_insured, minimum_living   persons with an enrolled record of that guarantee covering today
 *   school_age_children, children_enrolled   aged school_age_min..school_age_max; enrolled
 * These are the same conditions the follow-up rules use, so the figures and worklists agree.
 */
#ifndef ANJU_DOMAIN_REPORT_EMPLOYMENT_H
#define ANJU_DOMAIN_REPORT_EMPLOYMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/msg.h"
#include "core/outcome.h"
#include "domain/actor.h"

/* The figures' keys, in table order (NULL-terminated); "code" and "name" come first. */
extern const char *const report_employment_figures[];

/* {"today", "county": {row}, "by_town": [rows], "by_community": [rows]} */
enum outcome report_employment(struct ctx *cx, json_t **out);
/* The report and every worklist's count from one pass: the report's keys and "worklists"
 * (as GET /worklists' items). What the dashboard shows. */
enum outcome report_employment_overview(struct ctx *cx, json_t **out);
struct followup_pass;
/* The same from a pass the caller ran with PASS_RULE_FACTS (and PASS_PLOTS for the plots'
 * figures, else they are 0) and releases: for the county report, which counts its own
 * figures from that pass too. */
enum outcome report_employment_overview_of(struct ctx *cx, const struct followup_pass *p,
					   json_t **out);
/* The records behind `figure` within `area` ("" the scope, 9 digits an origin town, 12 a
 * destination community): {"figure", "area", "kind": "person"|"household", "count",
 * "items": [{id, household_id, name, number}], "next"} — ids after `after`, up to `limit`. */
enum outcome report_employment_records(struct ctx *cx, const char *figure, const char *area,
				       int64_t after, int limit, json_t **out);
/* A cursor over the records behind a figure, for a list read a page at a time (a download
 * of any length): start it as {figure, area}. */
struct report_records_cursor {
	const char *figure, *area;
	int64_t after;
	bool done;
};
/* The next up to `max` records ({"items"}' rows; an empty array once there are none). */
enum outcome report_employment_records_next(struct report_records_cursor *c, struct ctx *cx,
					    int max, json_t **rows);
/* The report as tables for CSV/XLSX/text: [county, by town, by community], labels in lang. */
json_t *report_employment_tables(json_t *report, enum lang lang);

#endif
