/* anju user add|name|passwd|disable|enable|list */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/date.h"
#include "domain/user.h"

static const char help[] =
	"usage: anju user add NAME --role ROLE [--scope CODE] [--name FULL_NAME]\n"
	"       anju user name NAME --name FULL_NAME\n"
	"       anju user passwd NAME\n"
	"       anju user disable NAME | anju user enable NAME\n"
	"       anju user list\n"
	"Roles: admin, county, town, community, volunteer, archivist, auditor. The scope is a\n"
	"division code (county 6, town 9, community 12 digits). NAME is the login name;\n"
	"FULL_NAME the person's name the pages show for it (\"\" takes it away). The password\n"
	"is read from standard input when it is not a terminal, else asked for twice without\n"
	"echo.\n";

/* Reads one line without its newline; no echo on a terminal. */
static int read_line(const char *prompt, char *out, size_t cap)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO);
	if (tty) {
		fputs(prompt, stderr);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	char *ok = fgets(out, (int)cap, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fputc('\n', stderr);
	}
	if (!ok)
		return -1;
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

static int read_password(char *out, size_t cap)
{
	char again[1100];
	if (read_line("password: ", out, cap))
		return -1;
	if (!isatty(STDIN_FILENO))
		return 0;
	if (read_line("again: ", again, sizeof(again)) || strcmp(out, again) != 0) {
		fprintf(stderr, "anju user: the passwords differ\n");
		return -1;
	}
	return 0;
}

int cmd_user(struct cli *c, int argc, char **argv)
{
	char password[1100];
	const char *role = NULL, *scope = "", *full_name = NULL, *err = NULL;
	if (cli_wants_help(argc, argv)) {
		fputs(help, stdout);
		return 0;
	}
	if (argc < 2 || (strcmp(argv[1], "list") && argc < 3)) {
		fputs(help, stderr);
		return 2;
	}
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role = argv[++i];
		else if (strcmp(argv[i], "--scope") == 0 && i + 1 < argc)
			scope = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			full_name = argv[++i];
		else {
			fprintf(stderr, "anju user: bad option '%s'\n%s", argv[i], help);
			return 2;
		}
	}
	bool toggle = strcmp(argv[1], "disable") == 0 || strcmp(argv[1], "enable") == 0;
	bool naming = strcmp(argv[1], "name") == 0;
	if (strcmp(argv[1], "add") && strcmp(argv[1], "passwd") && strcmp(argv[1], "list") && !toggle
	    && !naming) {
		fprintf(stderr, "anju user: unknown subcommand '%s'\n%s", argv[1], help);
		return 2;
	}
	if (strcmp(argv[1], "add") == 0 && !role) {
		fprintf(stderr, "anju user add: --role is required\n%s", help);
		return 2;
	}
	if (naming && !full_name) {
		fprintf(stderr, "anju user name: --name is required\n%s", help);
		return 2;
	}
	if (cli_open(c))
		return 1;
	struct ctx *cx = &c->cx;
	int rc = 0;
	if (strcmp(argv[1], "list") == 0) {
		json_t *users = user_list(cx), *u;
		size_t i;
		json_array_foreach(users, i, u)
			printf("%-20s %-10s %-12s %s%s\n", json_string_value(json_object_get(u, "username")),
			       json_string_value(json_object_get(u, "role")),
			       json_string_value(json_object_get(u, "scope")),
			       json_string_value(json_object_get(u, "full_name")),
			       json_is_true(json_object_get(u, "disabled")) ? " (disabled)" : "");
		json_decref(users);
	} else if (naming) {
		int64_t id = user_id_of(cx, argv[2]);
		rc = id ? user_set_full_name(cx, id, full_name, &err) : -1;
		if (!id)
			err = "user_unknown";
		if (!rc)
			printf("anju user: %s is %s\n", argv[2], *full_name ? full_name : "(no name)");
	} else if (toggle) {
		rc = user_set_disabled(cx, argv[2], argv[1][0] == 'd', &err);
		if (!rc)
			printf("anju user: %s %sd\n", argv[2], argv[1]);
	} else if (read_password(password, sizeof(password))) {
		fprintf(stderr, "anju user: no password given\n");
		rc = 1;
	} else if (strcmp(argv[1], "add") == 0) {
		rc = user_add_named(cx, argv[2], full_name, role, scope, password, &err);
		if (!rc)
			printf("anju user: added %s%s%s (%s%s%s)\n", argv[2], full_name ? " " : "",
			       full_name ? full_name : "", role, *scope ? ", " : "", scope);
	} else {
		rc = user_passwd(cx, argv[2], password, &err);
		if (!rc)
			printf("anju user: password of %s changed; their sessions are ended\n", argv[2]);
	}
	if (rc && err)
		fprintf(stderr, "anju user: %s\n", msg_get(c->lang, err));
	sodium_memzero(password, sizeof(password));
	cli_close(c);
	return rc ? 1 : 0;
}
