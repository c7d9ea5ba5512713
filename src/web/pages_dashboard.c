/* pages_dashboard: the first page after login — the figures, the worklists' counts and
 * what is due, within the user's scope. */

#include <stdlib.h>

#include "core/date.h"
#include "domain/activity.h"
#include "domain/audit.h"
#include "domain/business.h"
#include "domain/needs.h"
#include "domain/evaluation.h"
#include "domain/petition.h"
#include "domain/report.h"
#include "domain/service.h"
#include "web/page.h"

/* ---------------------------------------------------------------- dashboard */

void page_dashboard(struct request *rq)
{
	json_t *report = NULL;
	page_lang(rq);
	enum outcome got = report_county(&rq->cx, &report);
	if (got != OUT_OK) {
		page_outcome(rq, got);
		return;
	}
	static const struct chart_words towns_words = {"chart-towns", "report_col_name", "report_households", NULL},
		communities_words = {"chart-communities", "report_col_name", "report_households",
				     "report_incomplete_files"};
	char *towns = page_svg_bar_chart(rq, json_object_get(report, "by_origin_town"), "name", "households",
				NULL, "/households?town=", &towns_words);
	char *communities = page_svg_bar_chart(rq, json_object_get(report, "by_destination_community"), "name",
				      "households", "incomplete_household_files", "/households?community=",
				      &communities_words);
	json_t *data = json_pack("{s:o, s:s, s:s}", "report", report, "chart_towns", towns ? towns : "",
				 "chart_communities", communities ? communities : "");
	free(towns);
	free(communities);
	json_t *w;
	size_t i;
	json_array_foreach(json_object_get(report, "worklists"), i, w)
		json_object_set_new(w, "name", json_string(msg_get(rq->lang, arena_printf(&rq->arena,
			"rule_%s", json_string_value(json_object_get(w, "rule"))))));
	json_object_set(data, "worklists", json_object_get(report, "worklists"));
	json_t *services = NULL;	/* the one-stop platform's last mile (domain/service.h) */
	if (service_figures(&rq->cx, NULL, &services) == OUT_OK)
		json_object_set(data, "services", json_object_get(services, "totals"));
	json_decref(services);
	json_t *petitions = NULL;	/* suggestions and petitions against their deadlines */
	if (petition_figures(&rq->cx, NULL, &petitions) == OUT_OK)
		json_object_set(data, "petitions", json_object_get(petitions, "totals"));
	json_decref(petitions);
	json_t *needs = NULL;	/* the needs ledger (台账): open, overdue (domain/needs.h) */
	if (need_figures(&rq->cx, NULL, &needs) == OUT_OK)
		json_object_set(data, "needs", json_object_get(needs, "totals"));
	json_decref(needs);
	json_t *evaluations = NULL;	/* 文明大家比: schemes and awards */
	if (evaluation_figures(&rq->cx, NULL, &evaluations) == OUT_OK) {
		json_object_set(data, "evaluations", json_object_get(evaluations, "totals"));
		json_t *y = json_array_get(json_object_get(evaluations, "by_year"),
			json_array_size(json_object_get(evaluations, "by_year")) - 1);
		if (y)	/* the latest year's awards */
			json_object_set(data, "evaluations_year", y);
	}
	json_decref(evaluations);
	char today[11];
	date_format(rq->cx.today, today);
	struct activity_filter year = {.from = arena_printf(&rq->arena, "%.4s-01-01", today)};
	json_t *activities = NULL;	/* this year's community activities (domain/activity.h) */
	if (activity_figures(&rq->cx, &year, &activities) == OUT_OK) {
		json_object_set(data, "activities", json_object_get(activities, "totals"));
		json_object_set_new(data, "activities_from", json_string(year.from));
	}
	json_decref(activities);
	json_t *businesses = NULL;	/* start-ups and home employment (domain/business.h) */
	if (business_figures(&rq->cx, NULL, &businesses) == OUT_OK) {
		json_object_set(data, "businesses", json_object_get(businesses, "totals"));
		json_object_set(data, "home_jobs", json_object_get(businesses, "home_jobs"));
	}
	json_decref(businesses);
	json_t *verified = audit_chain_last_verification(&rq->cx);	/* the audit chain's state */
	page_times(rq, verified, "at");
	json_object_set_new(data, "verification", verified ? verified : json_null());
	page_render(rq, 200, "dashboard", "nav_dashboard", data);
}
