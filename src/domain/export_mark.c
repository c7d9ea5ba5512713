/* export_mark: the who-and-when every exported file carries. */
#include "domain/export_mark.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/date.h"

void export_mark_make(const struct actor *actor, enum lang lang, struct export_mark *m)
{
	long long now = (long long)time(NULL);
	memset(m, 0, sizeof(*m));
	snprintf(m->by, sizeof(m->by), "%s", actor->username[0] ? actor->username : "system");
	date_stamp(now, m->at);
	/* "2026-11-29 16:20:05 +08:00" → "2026-11-29T16:20:05+08:00" and "20261129-162005" */
	snprintf(m->iso, sizeof(m->iso), "%.10sT%.8s%s", m->at, m->at + 11, m->at + 20);
	snprintf(m->stamp, sizeof(m->stamp), "%.4s%.2s%.2s-%.2s%.2s%.2s", m->at, m->at + 5,
		 m->at + 8, m->at + 11, m->at + 14, m->at + 17);
	/* The catalogue's text names the places: "Exported by {user}, {time}"; the user by
	 * name with the login, as the audit log shows them, when the account has a name */
	char who[sizeof(actor->full_name) + sizeof(m->by) + 4];
	snprintf(who, sizeof(who), actor->full_name[0] ? "%s (%s)" : "%.0s%s", actor->full_name,
		 m->by);
	const char *t = msg_get(lang, "export_mark");
	size_t n = 0;
	while (*t && n + 1 < sizeof(m->line)) {
		const char *with = strncmp(t, "{user}", 6) == 0 ? who
				 : strncmp(t, "{time}", 6) == 0 ? m->at : NULL;
		if (with) {
			n += (size_t)snprintf(m->line + n, sizeof(m->line) - n, "%s", with);
			if (n >= sizeof(m->line))
				n = sizeof(m->line) - 1;
			t += 6;
		} else {
			m->line[n++] = *t++;
		}
	}
	m->line[n] = '\0';
}

void export_mark_file_name(const struct export_mark *m, const char *base, const char *ext,
		      char *out, size_t cap)
{
	char user[64];
	size_t i;
	for (i = 0; m->by[i] && i + 1 < sizeof(user); i++) {
		char ch = m->by[i];
		bool safe = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
		user[i] = safe ? ch : '_';
	}
	user[i] = '\0';
	snprintf(out, cap, "%s-%s-%s.%s", base, user, m->stamp, ext);
}
