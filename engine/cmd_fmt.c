/* tcpspec fmt: print scripts in canonical layout; -w rewrites them in place. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dsl/dsl.h"
#include "engine/cli.h"

static void fmt_help(FILE *fp)
{
	fputs("usage: tcpspec fmt [-w] FILE...\n"
	      "\n"
	      "Print each script in tcpspec's canonical layout on standard output: one event\n"
	      "per line, normalised spacing, flags and options in a fixed spelling, comments\n"
	      "kept where they were.  The result parses to the same tree as the input, and\n"
	      "formatting it again changes nothing.\n"
	      "\n"
	      "  -w            rewrite each FILE in place instead (a temporary file in the same\n"
	      "                directory, then rename(2): a file is never half-written)\n"
	      "  -h, --help    this text\n"
	      "\n"
	      "A file with a syntax error is left alone (exit 2); a file that needs an\n"
	      "unsupported feature is left alone too (exit 4).  See tcpspec-fmt(1).\n", fp);
}

static int write_in_place(const char *path, const char *text, size_t len)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
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

int cmd_fmt(int argc, char **argv)
{
	bool in_place = false, opts = true;
	int nfiles = 0, rc = CLI_OK;
	for (int i = 1; i < argc; i++) {
		if (!opts || argv[i][0] != '-')
			continue;
		if (!strcmp(argv[i], "--"))
			opts = false;
		else if (!strcmp(argv[i], "-w"))
			in_place = true;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fmt_help(stdout);
			return CLI_OK;
		} else {
			fprintf(stderr, "tcpspec fmt: unknown option '%s'\n", argv[i]);
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
		enum dsl_status st = dsl_parse_file(argv[i], &f, &d);
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
