/* tcpspec parse: check that scripts parse; report errors and unsupported features. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dsl/dsl.h"
#include "engine/cli.h"
#include "engine/engine.h"
#include "engine/reqtitle.h"

struct parse_counts {
	unsigned files, ok, unsupported, errors;
	bool quiet;
	const struct engine_opts *defs;     /* --define names */
};

static void parse_help(FILE *fp)
{
	fputs("usage: tcpspec parse [--quiet] [--allow_empty] [-D NAME=VALUE]... FILE|DIR...\n"
	      "\n"
	      "Parse packetdrill-dialect scripts and report problems.  Directories are\n"
	      "searched recursively for *.pkt files (in name order).  Each problem is printed\n"
	      "as FILE:LINE:COL: error|unsupported: MESSAGE, then the source line and a caret.\n"
	      "Without --quiet, every file also gets a line 'FILE: ok|unsupported|error'.\n"
	      "The last line is 'N files: N ok, N unsupported, N errors'.\n"
	      "\n"
	      "Checks what tcpspec run checks before running: the grammar, that every\n"
	      "system call, symbol and errno name exists (else an error, with a 'did you\n"
	      "mean' hint), and that the script has an event (else an error, unless the\n"
	      "option line --allow_empty says so).  A directory with no script in it is an\n"
	      "error.\n"
	      "\n"
	      "  -q, --quiet   print only problems and the summary\n"
	      "  --allow_empty a script with no event is not an error (as tcpspec run\n"
	      "                --allow_empty)\n"
	      "  -D NAME=VALUE, --define NAME=VALUE\n"
	      "                a name the scripts use that the run defines (as tcpspec run)\n"
	      "  -h, --help    this text\n"
	      "\n"
	      "exit status: 0 every file parses; 2 a syntax error, an unreadable file or a\n"
	      "usage error; 4 some file needs a feature tcpspec does not support (SCTP, MPTCP,\n"
	      "...) and none has an error.  See tcpspec-parse(1) and tcpspec-dialect(7).\n", fp);
}

/* "// requirements: TAG..." comments: warn about RFC 9293 requirement IDs that its
 * Appendix B does not have (a typo the report would show as a requirement). */
static void check_requirements(const struct dsl_file *f)
{
	for (size_t i = 0; f && i < f->n_comments; i++) {
		const char *s = f->comments[i].text;
		if (strncmp(s, "//", 2))
			continue;
		s += 2;
		s += strspn(s, " \t");
		if (strncasecmp(s, "requirements:", 13))
			continue;
		s += 13;
		for (;;) {
			s += strspn(s, " \t,");
			size_t n = strcspn(s, " \t,");
			if (!n)
				break;
			char tag[128];
			snprintf(tag, sizeof tag, "%.*s", (int)(n < 127 ? n : 127), s);
			if (engine_req_unknown(tag))
				fprintf(stderr, "%s:%d: warning: %s is not an RFC 9293 requirement "
					"ID (Appendix B)\n", f->comments[i].loc.file,
					f->comments[i].loc.line, tag);
			s += n;
		}
	}
}

static void parse_one(const char *path, struct parse_counts *c)
{
	struct dsl_file *f = NULL;
	struct dsl_diags d = { 0 };
	enum dsl_status st = engine_parse_script(path, c->defs, false, &f, &d);
	c->files++;
	for (size_t i = 0; i < d.n; i++)
		dsl_diag_print(stderr, &d.v[i]);
	check_requirements(f);
	switch (st) {
	case DSL_OK:
		c->ok++;
		if (!c->quiet)
			printf("%s: ok\n", path);
		break;
	case DSL_UNSUPPORTED:
		c->unsupported++;
		if (!c->quiet)
			printf("%s: unsupported\n", path);
		break;
	default:
		c->errors++;
		if (!c->quiet)
			printf("%s: error\n", path);
		break;
	}
	fflush(stdout);
	dsl_free(f);
	dsl_diags_free(&d);
}

static bool has_pkt_suffix(const char *n)
{
	size_t l = strlen(n);
	return l > 4 && !strcmp(n + l - 4, ".pkt");
}

static void parse_path(const char *path, bool top, struct parse_counts *c, int depth)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: cannot access: ", path);
		perror(NULL);
		c->files++;
		c->errors++;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (top || has_pkt_suffix(path))
			parse_one(path, c);
		return;
	}
	struct stat lst;
	if (!top && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
		return;	/* directory symlinks found while recursing: no loops */
	if (depth > 64) {
		fprintf(stderr, "%s: directories nested too deep, skipped\n", path);
		return;
	}
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "%s: cannot read directory: ", path);
		perror(NULL);
		c->files++;
		c->errors++;
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		if (nm[0] != '.') {
			size_t len = strlen(path) + strlen(nm) + 2;
			char *sub = malloc(len);
			if (sub) {
				snprintf(sub, len, "%s%s%s", path,
					 path[strlen(path) - 1] == '/' ? "" : "/", nm);
				parse_path(sub, false, c, depth + 1);
				free(sub);
			}
		}
		free(ents[i]);
	}
	free(ents);
}

int cmd_parse(int argc, char **argv)
{
	struct parse_counts c = { 0 };
	struct engine_opts defs;
	memset(&defs, 0, sizeof defs);
	c.defs = &defs;
	bool opts = true;
	int nfiles = 0;
	char **files = calloc(argc > 0 ? (size_t)argc : 1, sizeof *files);
	if (!files)
		return CLI_USAGE;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int t;
		if (!opts || a[0] != '-' || !strcmp(a, "-")) {
			files[nfiles++] = argv[i];
		} else if (!strcmp(a, "--")) {
			opts = false;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			c.quiet = true;
		} else if (!strcmp(a, "--allow_empty")) {
			defs.allow_empty = true;        /* as tcpspec run --allow_empty */
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			parse_help(stdout);
			free(files);
			return CLI_OK;
		} else if ((t = cli_define(argc, argv, &i, &defs, NULL, "tcpspec parse")) != 0) {
			if (t < 0) {
				free(files);
				return CLI_USAGE;
			}
		} else {
			fprintf(stderr, "tcpspec parse: unknown option '%s'\n", a);
			parse_help(stderr);
			free(files);
			return CLI_USAGE;
		}
	}
	if (!nfiles) {
		fprintf(stderr, "tcpspec parse: no FILE or DIR given\n");
		parse_help(stderr);
		free(files);
		return CLI_USAGE;
	}
	for (int i = 0; i < nfiles; i++) {
		unsigned before = c.files;
		parse_path(files[i], true, &c, 0);
		if (c.files == before) {
			/* as tcpspec run: a directory without a script is a mistake, not a pass */
			fprintf(stderr, "tcpspec parse: %s: no .pkt script found in it\n", files[i]);
			c.errors++;
		}
	}
	free(files);
	printf("%u files: %u ok, %u unsupported, %u errors\n", c.files, c.ok, c.unsupported,
	       c.errors);
	if (c.errors)
		return CLI_USAGE;
	if (c.unsupported)
		return CLI_UNSUPPORTED;
	return CLI_OK;
}
