/* ledgers: the list of every ledger (ledger.h). A new ledger adds its descriptor here. */
#include "domain/ledger.h"

extern const struct ledger visits_ledger, plots_ledger, steps_ledger, jobs_ledger,
	trainings_ledger, guarantees_ledger, schooling_ledger, family_doctor_ledger;

const struct ledger *const ledgers[] = {
	&visits_ledger, &plots_ledger, &steps_ledger,
	&jobs_ledger, &trainings_ledger, &guarantees_ledger, &schooling_ledger,
	&family_doctor_ledger,
	NULL,
};
