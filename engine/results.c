/* Machine-readable results of a run: TAP, JUnit XML, JSON. */
#include <stdio.h>
#include <string.h>

#include "engine/engine.h"

static const char *ipname(const struct engine_job *j)
{
	int v = j->res.ip_version ? j->res.ip_version
				  : j->ip_version ? j->ip_version : TARGET_IPV4_ONLY;
	return target_ip_version_name(v);
}

int engine_write_tap(FILE *f, const struct engine_job *jobs, size_t n)
{
	fprintf(f, "TAP version 13\n1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		const struct engine_job *j = &jobs[i];
		enum engine_verdict v = j->res.verdict;
		bool ok = v == ENGINE_PASS || v == ENGINE_SKIP || v == ENGINE_UNAVAILABLE;
		fprintf(f, "%s %zu - %s [%s]", ok ? "ok" : "not ok", i + 1, j->path, ipname(j));
		if (v == ENGINE_SKIP || v == ENGINE_UNAVAILABLE) {
			/* the reason on one line after the SKIP directive */
			char reason[256];
			snprintf(reason, sizeof reason, "%.255s", j->res.message);
			reason[strcspn(reason, "\n#")] = 0;
			fprintf(f, " # SKIP %s", reason);
		}
		fputc('\n', f);
		if (!ok) {
			const char *m = j->res.message;
			while (*m) {
				size_t k = strcspn(m, "\n");
				fprintf(f, "# %.*s\n", (int)k, m);
				m += k + (m[k] == '\n');
			}
		}
	}
	return ferror(f) ? -1 : 0;
}

static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;
		switch (c) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if (c < 0x20 && c != '\n' && c != '\t')
				fprintf(f, "?");
			else
				fputc(c, f);
		}
	}
}

int engine_write_junit(FILE *f, const struct engine_job *jobs, size_t n, const char *target)
{
	size_t fails = 0, errors = 0, skips = 0;
	double total = 0;
	for (size_t i = 0; i < n; i++) {
		enum engine_verdict v = jobs[i].res.verdict;
		fails += v == ENGINE_FAIL;
		errors += v == ENGINE_ERROR;
		skips += v == ENGINE_SKIP || v == ENGINE_UNAVAILABLE;
		total += jobs[i].res.wall_ns / 1e9;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n",
		n, fails, errors, skips);
	fprintf(f, "  <testsuite name=\"tcpspec.");
	xml_text(f, target);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
		   "time=\"%.3f\">\n", n, fails, errors, skips, total);
	for (size_t i = 0; i < n; i++) {
		const struct engine_job *j = &jobs[i];
		fprintf(f, "    <testcase classname=\"");
		xml_text(f, target);
		fprintf(f, ".%s\" name=\"", ipname(j));
		xml_text(f, j->path);
		fprintf(f, "\" time=\"%.3f\"", j->res.wall_ns / 1e9);
		switch (j->res.verdict) {
		case ENGINE_PASS:
			fprintf(f, "/>\n");
			continue;
		case ENGINE_FAIL:
		case ENGINE_ERROR: {
			const char *tag = j->res.verdict == ENGINE_FAIL ? "failure" : "error";
			char first[512];
			snprintf(first, sizeof first, "%.511s", j->res.message);
			first[strcspn(first, "\n")] = 0;
			fprintf(f, ">\n      <%s message=\"", tag);
			xml_text(f, first);
			fprintf(f, "\">");
			xml_text(f, j->res.message);
			fprintf(f, "</%s>\n    </testcase>\n", tag);
			continue;
		}
		default:
			fprintf(f, ">\n      <skipped message=\"");
			xml_text(f, j->res.message);
			fprintf(f, "\"/>\n    </testcase>\n");
		}
	}
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	return ferror(f) ? -1 : 0;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int engine_write_json(FILE *f, const struct engine_job *jobs, size_t n, const char *target)
{
	fprintf(f, "{\"target\": ");
	json_str(f, target);
	fprintf(f, ", \"results\": [\n");
	for (size_t i = 0; i < n; i++) {
		const struct engine_job *j = &jobs[i];
		fprintf(f, "  {\"script\": ");
		json_str(f, j->path);
		fprintf(f, ", \"ip_version\": \"%s\", \"verdict\": ", ipname(j));
		json_str(f, engine_verdict_name(j->res.verdict));
		fprintf(f, ", \"exit_code\": %d, \"wall_seconds\": %.6f, \"scripted_seconds\": %.6f, "
			   "\"message\": ", (int)j->res.verdict, j->res.wall_ns / 1e9,
			j->res.scripted_ns / 1e9);
		json_str(f, j->res.message);
		fprintf(f, "}%s\n", i + 1 < n ? "," : "");
	}
	fprintf(f, "]}\n");
	return ferror(f) ? -1 : 0;
}
