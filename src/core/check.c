/* check: the failure half of CHECK() (core/check.h). */
#include "core/check.h"

#include <stdlib.h>

#include "core/log.h"

/* One log line, then abort for a core dump. */
void check_failed(const char *expr, const char *file, int line)
{
	log_error("%s:%d: check failed: %s", file, line, expr);
	abort();
}
