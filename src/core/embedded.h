/* embedded: text files compiled into the binary by tools/embed.py (a NULL-named entry ends a table). */
#ifndef ANJU_EMBEDDED_H
#define ANJU_EMBEDDED_H
struct embedded_file {
	const char *name;
	const char *content;
};
#endif
