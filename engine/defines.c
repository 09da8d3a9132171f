/* -D NAME that no script of a run mentions: most likely a misspelt name.  Suites
 * written for packetdrill pass -D names some of their scripts do not use, so one
 * script not using a name is normal; no script of the whole run using it is not. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Whether text holds name as a whole identifier (a comment counts: lenient). */
static bool mentions(const char *text, const char *name)
{
	size_t k = strlen(name);
	for (const char *p = text; k && (p = strstr(p, name)); p++)
		if ((p == text || !ident_char(p[-1])) && !ident_char(p[k]))
			return true;
	return false;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t n = 0, cap = 0;
	char *buf = NULL;
	for (;;) {
		if (cap - n < 4096) {
			char *b = realloc(buf, cap = cap ? cap * 2 : 8192);
			if (!b)
				break;
			buf = b;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	if (buf)
		buf[n] = 0;
	return buf;
}

void engine_warn_unused_defines(char *const *names, size_t n, char *const *files,
				size_t nfiles, const char *who)
{
	if (!n || !nfiles)
		return;
	bool used[n];
	memset(used, 0, sizeof used);
	size_t left = n;
	for (size_t f = 0; f < nfiles && left; f++) {
		char *text = slurp(files[f]);
		if (!text)
			return;     /* unreadable: its run says so; no guess here */
		for (size_t i = 0; i < n; i++)
			if (!used[i] && mentions(text, names[i]))
				used[i] = true, left--;
		free(text);
	}
	for (size_t i = 0; i < n; i++)
		if (!used[i])
			fprintf(stderr, "%s: warning: -D %s: no script of the run mentions %s "
				"(misspelt?)\n", who, names[i], names[i]);
}
