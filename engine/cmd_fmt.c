/* tcpspec fmt: print scripts in canonical layout; -w rewrites them in place. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dsl/dsl.h"
#include "engine/cli.h"
#include "engine/engine.h"

static void fmt_help(FILE *fp)
{
	fputs("usage: tcpspec fmt [-w] [-D NAME=VALUE]... FILE...\n"
	      "\n"
	      "Print each script in tcpspec's canonical layout on standard output: one event\n"
	      "per line, normalised spacing, flags and options in a fixed spelling, comments\n"
	      "kept where they were.  The result parses to the same tree as the input, and\n"
	      "formatting it again changes nothing.\n"
	      "\n"
	      "  -w            rewrite each FILE in place instead (a temporary file in the same\n"
	      "                directory, then rename(2): a file is never half-written)\n"
	      "  -D NAME=VALUE, --define NAME=VALUE\n"
	      "                a name the scripts use that the run defines (as tcpspec run)\n"
	      "  -h, --help    this text\n"
	      "\n"
	      "A file with a syntax error, or a misspelt system call, symbol or errno name\n"
	      "(checked as tcpspec parse checks them), is left alone (exit 2); a file that\n"
	      "needs an unsupported feature is left alone too (exit 4).  A file with no\n"
	      "event is formatted.  See tcpspec-fmt(1).\n", fp);
}

/* Write text to a temporary file beside path, then rename it over path (a reader sees
 * the old file or the new one, never half of it). */
static int replace_file(const char *path, const struct stat *stp, const char *text,
			size_t len)
{
	const struct stat st = *stp;
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	if (!tmp)
		return -1;
	snprintf(tmp, n, "%s.fmtXXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot create a temporary file: %s\n", path, strerror(errno));
		free(tmp);
		return -1;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	int bad = off < len || fchmod(fd, st.st_mode & 07777) != 0 || fsync(fd) != 0;
	if (close(fd) != 0)
		bad = 1;
	if (bad || rename(tmp, path) != 0) {
		fprintf(stderr, "%s: cannot write: %s\n", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int write_in_place(const char *given, const char *text, size_t len)
{
	struct stat st;
	if (stat(given, &st) != 0) {
		fprintf(stderr, "%s: %s\n", given, strerror(errno));
		return -1;
	}
	/* through a symbolic link: the file it names is rewritten, the link stays */
	char *real = realpath(given, NULL);
	if (!real) {
		fprintf(stderr, "%s: %s\n", given, strerror(errno));
		return -1;
	}
	int rc = replace_file(real, &st, text, len);
	free(real);
	return rc;
}

int cmd_fmt(int argc, char **argv)
{
	bool in_place = false, opts = true;
	int nfiles = 0, rc = CLI_OK;
	/* the names the scripts may use (-D); a script with no event is still formatted */
	struct engine_opts defs;
	memset(&defs, 0, sizeof defs);
	defs.allow_empty = true;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int t;
		if (!opts || a[0] != '-')
			continue;
		if (!strcmp(a, "--"))
			opts = false;
		else if (!strcmp(a, "-w"))
			in_place = true;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fmt_help(stdout);
			return CLI_OK;
		} else if ((t = cli_define(argc, argv, &i, &defs, NULL, "tcpspec fmt")) != 0) {
			if (t < 0)
				return CLI_USAGE;
			argv[i] = (char *)"-D";     /* a separate value is no FILE below */
		} else {
			fprintf(stderr, "tcpspec fmt: unknown option '%s'\n", a);
			fmt_help(stderr);
			return CLI_USAGE;
		}
	}
	opts = true;
	for (int i = 1; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--")) {
			opts = false;
			continue;
		}
		if (opts && argv[i][0] == '-')
			continue;
		nfiles++;
		struct dsl_file *f = NULL;
		struct dsl_diags d = { 0 };
		enum dsl_status st = engine_parse_script(argv[i], &defs, false, &f, &d);
		for (size_t k = 0; k < d.n; k++)
			dsl_diag_print(stderr, &d.v[k]);
		if (st != DSL_OK) {
			if (st == DSL_UNSUPPORTED) {
				fprintf(stderr, "%s: not formatted: needs unsupported features\n",
					argv[i]);
				if (rc == CLI_OK)
					rc = CLI_UNSUPPORTED;
			} else {
				rc = CLI_USAGE;
			}
		} else if (in_place) {
			size_t len;
			char *text = dsl_print_string(f, &len);
			if (!text || write_in_place(argv[i], text, len) != 0)
				rc = CLI_USAGE;
			free(text);
		} else if (dsl_print(stdout, f) != 0 || fflush(stdout) != 0) {
			fprintf(stderr, "tcpspec fmt: write error: %s\n", strerror(errno));
			rc = CLI_USAGE;
		}
		dsl_free(f);
		dsl_diags_free(&d);
	}
	if (!nfiles) {
		fprintf(stderr, "tcpspec fmt: no FILE given\n");
		fmt_help(stderr);
		return CLI_USAGE;
	}
	return rc;
}
