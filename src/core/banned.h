/* Functions that are too easy to misuse; using one is a compile error (after git's banned.h). */
#ifndef ANJU_BANNED_H
#define ANJU_BANNED_H
#define BANNED(f) sorry_##f##_is_banned_use_the_buf_api_instead
#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)
#endif
