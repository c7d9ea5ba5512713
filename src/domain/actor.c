/* actor: roles, permissions and scope ranges. */
#include "domain/actor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const role_names[] = {
	"admin", "county", "town", "community", "volunteer", "archivist", "auditor", NULL,
};

int role_parse(const char *name)
{
	for (int i = 0; name && role_names[i]; i++)
		if (strcmp(name, role_names[i]) == 0)
			return i;
	return -1;
}

bool role_can_edit_registry(enum role r)
{
	return r == ROLE_ADMIN || r == ROLE_COUNTY || r == ROLE_TOWN || r == ROLE_COMMUNITY;
}

bool role_can_visit(enum role r)
{
	return role_can_edit_registry(r) || r == ROLE_VOLUNTEER;
}

bool role_can_edit_archive(enum role r)
{
	return role_can_edit_registry(r) || r == ROLE_ARCHIVIST;
}

bool role_is_admin(enum role r)
{
	return r == ROLE_ADMIN;
}

bool role_reviews_audit(enum role r)
{
	return r == ROLE_ADMIN || r == ROLE_AUDITOR;
}

bool role_can_reveal(enum role r)
{
	return role_can_edit_registry(r) || r == ROLE_AUDITOR;
}

bool role_can_export(enum role r)
{
	return r != ROLE_VOLUNTEER && r < ROLE_COUNT;
}

bool actor_covers(const struct actor *a, const char *code)
{
	if (a->role == ROLE_VOLUNTEER)
		return false;
	size_t n = strlen(a->scope);
	return n == 0 || (code && strncmp(code, a->scope, n) == 0);
}

void actor_scope_range(const struct actor *a, char lo[16], char hi[17])
{
	if (a->role == ROLE_VOLUNTEER) {
		snprintf(lo, 16, "~%lld", (long long)a->user_id);
		snprintf(hi, 17, "%s", lo);
		return;
	}
	snprintf(lo, 16, "%s", a->scope);
	snprintf(hi, 17, "%s:", a->scope);
}

int64_t actor_scope_assignee(const char *lo)
{
	return lo && lo[0] == '~' ? strtoll(lo + 1, NULL, 10) : 0;
}

void actor_system(struct actor *a)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->username, sizeof(a->username), "system");
	a->role = ROLE_ADMIN;
	snprintf(a->address, sizeof(a->address), "cli");
}

int64_t actor_grants_count(const struct ctx *cx)
{
	return cx->db && cx->db->tx_depth > 0 && cx->db->tx_read_only;
}

int64_t actor_clock(void)
{
	return (int64_t)time(NULL);
}
