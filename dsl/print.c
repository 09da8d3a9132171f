/* dsl/print.c: the canonical layout (`tcpspec fmt`).
 *
 * One event per line: time, one space, the event.  Packets: direction, IP prefix
 * ([ecn] (ip fields)), flags in the order S F R P U E W A then '.', sequence, ack, win,
 * urg, <options>, {malformed fields}, /udp(...).  Calls: name(args) = ret ERRNO (note),
 * ", " between list items.  Times as seconds with the shortest exact decimal fraction.
 * Comments stay where they were relative to the events; at most one blank line is kept
 * where the source had one or more.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dsl/dsl.h"

static void pr_hexbytes(FILE *fp, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(fp, "%02x", b[i]);
}

static void pr_tpoint(FILE *fp, const struct dsl_time_point *p)
{
	int64_t sec = p->ns / 1000000000, frac = p->ns % 1000000000;
	fprintf(fp, "%s%" PRId64, p->relative ? "+" : "", sec);
	if (frac) {
		char d[24];
		snprintf(d, sizeof d, "%09" PRId64, frac);
		int n = 9;
		while (n > 1 && d[n - 1] == '0')
			n--;
		fprintf(fp, ".%.*s", n, d);
	}
}

int dsl_print_time(FILE *fp, const struct dsl_time *t)
{
	switch (t->kind) {
	case DSL_TIME_NONE:
		break;
	case DSL_TIME_ABSOLUTE:
	case DSL_TIME_RELATIVE:
		pr_tpoint(fp, &t->start);
		break;
	case DSL_TIME_ANY:
		fputc('*', fp);
		break;
	case DSL_TIME_RANGE:
	case DSL_TIME_BLOCKING:
		pr_tpoint(fp, &t->start);
		fputs(t->kind == DSL_TIME_RANGE ? "~" : "...", fp);
		pr_tpoint(fp, &t->end);
		break;
	}
	return ferror(fp) ? -1 : 0;
}

static void pr_seq(FILE *fp, const struct dsl_seq *s)
{
	if (s->kind == DSL_SEQ_ANY_START)
		fprintf(fp, "...(%" PRIu32 ")", s->len);
	else if (s->start_absolute && s->end_absolute)
		fprintf(fp, "%" PRIu32 ":%" PRIu32 "(%" PRIu32 ")!", s->start, s->end, s->len);
	else
		fprintf(fp, "%" PRIu32 "%s:%" PRIu32 "%s(%" PRIu32 ")", s->start,
			s->start_absolute ? "!" : "", s->end, s->end_absolute ? "!" : "", s->len);
}

static void pr_opt(FILE *fp, const struct dsl_tcp_opt *o)
{
	static const char *const acc[] = { "e0b", "ceb", "e1b" };
	switch (o->kind) {
	case DSL_OPT_NOP: fputs("nop", fp); break;
	case DSL_OPT_EOL: fputs("eol", fp); break;
	case DSL_OPT_MSS:
	case DSL_OPT_WSCALE:
		fputs(o->kind == DSL_OPT_MSS ? "mss " : "wscale ", fp);
		if (o->sym)
			fputs(o->sym, fp);
		else if (o->value_any)
			fputs("...", fp);
		else
			fprintf(fp, "%" PRIu32, o->value);
		break;
	case DSL_OPT_SACK_PERM: fputs("sackOK", fp); break;
	case DSL_OPT_SACK:
		fputs("sack", fp);
		for (size_t i = 0; i < o->n_sack; i++)
			fprintf(fp, " %" PRIu32 ":%" PRIu32, o->sack[i].start, o->sack[i].end);
		break;
	case DSL_OPT_TS:
		fputs("TS val ", fp);
		if (o->ts_val_any)
			fputs("...", fp);
		else
			fprintf(fp, "%" PRIu32, o->ts_val);
		fputs(" ecr ", fp);
		if (o->ts_ecr_any)
			fputs("...", fp);
		else
			fprintf(fp, "%" PRIu32, o->ts_ecr);
		break;
	case DSL_OPT_FASTOPEN:
	case DSL_OPT_FASTOPEN_EXP:
	case DSL_OPT_MD5:
		fputs(o->kind == DSL_OPT_FASTOPEN ? "FO" : o->kind == DSL_OPT_MD5 ? "md5" : "FOEXP",
		      fp);
		if (o->sym) {
			fprintf(fp, " %s", o->sym);
		} else if (o->len) {
			fputc(' ', fp);
			pr_hexbytes(fp, o->bytes, o->len);
		}
		break;
	case DSL_OPT_ACCECN:
		fputs("ECN", fp);
		for (size_t i = 0; i < o->n_accecn; i++)
			fprintf(fp, " %s %" PRIu32, acc[o->accecn[i].field % 3], o->accecn[i].value);
		break;
	case DSL_OPT_RAW:
		fputs("raw", fp);
		if (o->raw_kind >= 0)
			fprintf(fp, " %d", o->raw_kind);
		if (o->raw_len >= 0)
			fprintf(fp, " %d", o->raw_len);
		if (o->len || o->raw_kind < 0) {
			fputs(" hex ", fp);
			pr_hexbytes(fp, o->bytes, o->len);
		}
		break;
	}
}

static void pr_packet(FILE *fp, const struct dsl_packet *p)
{
	static const char *const ecn[] = { "", "noecn", "ect0", "ect1", "ce", "ect01" };
	fputc(p->dir == DSL_DIR_INBOUND ? '<' : '>', fp);
	if (p->unchecked) {
		fputs(" ...", fp);
		return;
	}
	if (p->ecn != DSL_ECN_UNSET && (unsigned)p->ecn < 6)
		fprintf(fp, " [%s]", ecn[p->ecn]);
	if (p->has_tos || p->has_ttl || p->has_flowlabel || p->has_ip_id) {
		const char *sep = "";
		fputs(" (", fp);
		if (p->has_tos) {
			fprintf(fp, "%s%s 0x%02x", sep, p->tos_as_class ? "class" : "tos", p->tos);
			sep = ", ";
		}
		if (p->has_ttl) {
			fprintf(fp, "%s%s %u", sep, p->ttl_as_hlim ? "hlim" : "ttl", p->ttl);
			sep = ", ";
		}
		if (p->has_flowlabel) { fprintf(fp, "%sflowlabel 0x%" PRIx32, sep, p->flowlabel); sep = ", "; }
		if (p->has_ip_id) fprintf(fp, "%sid %u", sep, p->ip_id);
		fputc(')', fp);
	}
	if (p->has_rport && p->proto == DSL_PROTO_ICMP)
		fprintf(fp, " (rport %u)", p->rport);   /* icmp takes no suffix group */
	fputc(' ', fp);
	if (p->has_ports && p->proto != DSL_PROTO_ICMP)
		fprintf(fp, "%u>%u ", p->sport, p->dport);
	if (p->proto == DSL_PROTO_UDP) {
		fprintf(fp, "udp (%" PRIu32 ")", p->udp_len);
	} else if (p->proto == DSL_PROTO_ICMP) {
		if (p->icmp.has_quote && p->icmp.quote_first) {
			fputc('[', fp);
			if (p->icmp.quote_any)
				fputs("...", fp);
			else
				pr_seq(fp, &p->icmp.quote);
			fputs("] ", fp);
		}
		fprintf(fp, "icmp %s", p->icmp.type ? p->icmp.type : "?");
		if (p->icmp.code)
			fprintf(fp, " %s", p->icmp.code);
		if (p->icmp.has_mtu)
			fprintf(fp, " mtu %" PRIu32, p->icmp.mtu);
		if (p->icmp.quote_udp) {
			fprintf(fp, " [udp(%" PRIu32 ")]", p->icmp.quote_udp_len);
		} else if (p->icmp.has_quote && !p->icmp.quote_first) {
			fputs(" [", fp);
			if (p->icmp.quote_any)
				fputs("...", fp);
			else
				pr_seq(fp, &p->icmp.quote);
			if (p->icmp.quote_encap)
				fprintf(fp, "/udp(%u > %u)", p->icmp.quote_udp_src,
					p->icmp.quote_udp_dst);
			fputc(']', fp);
		}
		return;
	} else {
		static const struct { uint16_t bit; char c; } fl[] = {
			{ DSL_TCP_SYN, 'S' }, { DSL_TCP_FIN, 'F' }, { DSL_TCP_RST, 'R' },
			{ DSL_TCP_PSH, 'P' }, { DSL_TCP_URG, 'U' }, { DSL_TCP_ECE, 'E' },
			{ DSL_TCP_CWR, 'W' }, { DSL_TCP_AE, 'A' }, { DSL_TCP_ACK, '.' },
		};
		if (!p->flags)
			fputc('-', fp);
		for (size_t i = 0; i < sizeof fl / sizeof *fl; i++)
			if (p->flags & fl[i].bit)
				fputc(fl[i].c, fp);
		fputc(' ', fp);
		pr_seq(fp, &p->seq);
		if (p->has_ack)
			fprintf(fp, " ack %" PRIu32 "%s", p->ack, p->ack_absolute ? "!" : "");
		if (p->has_win)
			fprintf(fp, " win %" PRIu32, p->win);
		if (p->has_urg)
			fprintf(fp, " urg %" PRIu32, p->urg);
		if (p->has_maxseg)
			fprintf(fp, " maxseg %" PRIu32, p->maxseg);
		if (p->has_head)
			fprintf(fp, " head %" PRIu32, p->head);
		if (p->keepalive)
			fputs(" keepalive", fp);
	}
	if (p->opts_kind == DSL_OPTS_ANY) {
		fputs(" <...>", fp);
	} else if (p->opts_kind == DSL_OPTS_LIST) {
		fputs(" <", fp);
		for (size_t i = 0; i < p->n_opts; i++) {
			if (i)
				fputc(',', fp);
			pr_opt(fp, &p->opts[i]);
		}
		fputc('>', fp);
	}
	if (p->bad.present) {
		const char *sep = "";
		fputs(" {", fp);
		if (p->bad.has_csum) {
			if (p->bad.csum_bad)
				fputs("csum bad", fp);
			else
				fprintf(fp, "csum 0x%04x", p->bad.csum);
			sep = ", ";
		}
		if (p->bad.has_res) {
			fprintf(fp, "%sres 0x%x", sep, p->bad.res);
			sep = ", ";
		}
		if (p->bad.has_doff) {
			fprintf(fp, "%sdoff %u", sep, p->bad.doff);
			sep = ", ";
		}
		/* mutation steps are separated by semicolons, as the fork writes them */
		for (size_t i = 0; i < p->bad.n_muts; i++) {
			fputs(i ? "; " : sep, fp);
			dsl_print_mutation(fp, &p->bad.muts[i]);
		}
		fputc('}', fp);
	}
	if (p->has_rport)
		fprintf(fp, " (rport %u)", p->rport);
	if (p->has_udp_encap)
		fprintf(fp, " /udp(%u > %u)", p->udp_src, p->udp_dst);
}

static void pr_string(FILE *fp, const char *s, size_t n)
{
	fputc('"', fp);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\t': fputs("\\t", fp); break;
		case '\r': fputs("\\r", fp); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(fp, "\\x%02x", c);
			else
				fputc(c, fp);
		}
	}
	fputc('"', fp);
}

static void pr_list(FILE *fp, struct dsl_expr *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputs(", ", fp);
		dsl_print_expr(fp, v[i]);
	}
}

int dsl_print_expr(FILE *fp, const struct dsl_expr *e)
{
	switch (e->kind) {
	case DSL_EXPR_ELLIPSIS:
		fputs("...", fp);
		break;
	case DSL_EXPR_INT:
		if (e->is_hex && e->ival < 0 && e->ival != INT64_MIN)
			fprintf(fp, "-0x%" PRIx64, (uint64_t)-e->ival);
		else if (e->is_hex)
			fprintf(fp, "0x%" PRIx64, (uint64_t)e->ival);
		else
			fprintf(fp, "%" PRId64, e->ival);
		break;
	case DSL_EXPR_DECIMAL:
	case DSL_EXPR_SYMBOL:
		fputs(e->text, fp);
		break;
	case DSL_EXPR_OR:
		for (size_t i = 0; i < e->n_items; i++) {
			if (i)
				fputc('|', fp);
			dsl_print_expr(fp, e->items[i]);
		}
		break;
	case DSL_EXPR_STRING:
		pr_string(fp, e->text, e->text_len);
		if (e->str_prefix)
			fputs("...", fp);
		break;
	case DSL_EXPR_ARRAY:
		fputc('[', fp);
		pr_list(fp, e->items, e->n_items);
		fputc(']', fp);
		break;
	case DSL_EXPR_STRUCT:
		fputc('{', fp);
		pr_list(fp, e->items, e->n_items);
		fputc('}', fp);
		break;
	case DSL_EXPR_FIELD:
		fputs(e->text, fp);
		if (e->index) {
			fputc('(', fp);
			dsl_print_expr(fp, e->index);
			fputc(')', fp);
		}
		fputc('=', fp);
		if (e->value)
			dsl_print_expr(fp, e->value);
		break;
	case DSL_EXPR_CALL:
		fprintf(fp, "%s(", e->text);
		pr_list(fp, e->items, e->n_items);
		fputc(')', fp);
		break;
	}
	return ferror(fp) ? -1 : 0;
}

int dsl_print_event(FILE *fp, const struct dsl_event *ev)
{
	switch (ev->kind) {
	case DSL_EV_PACKET:
		pr_packet(fp, &ev->packet);
		break;
	case DSL_EV_SYSCALL:
		fprintf(fp, "%s(", ev->call.name);
		pr_list(fp, ev->call.args, ev->call.n_args);
		fputs(") = ", fp);
		if (ev->call.ret)
			dsl_print_expr(fp, ev->call.ret);
		if (ev->call.err_name)
			fprintf(fp, " %s", ev->call.err_name);
		if (ev->call.note)
			fprintf(fp, " (%s)", ev->call.note);
		break;
	case DSL_EV_SHELL:
		fprintf(fp, "`%s`", ev->text);
		break;
	case DSL_EV_CODE:
		fprintf(fp, "%%{%s}%%", ev->text);
		break;
	case DSL_EV_UNSUPPORTED:
		fputs(ev->text, fp);
		break;
	}
	return ferror(fp) ? -1 : 0;
}

int dsl_print(FILE *fp, const struct dsl_file *f)
{
	for (size_t i = 0; i < f->n_items; i++) {
		const struct dsl_item *it = &f->items[i];
		if (it->kind == DSL_ITEM_COMMENT && f->comments[it->index].trailing) {
			fprintf(fp, " %s", f->comments[it->index].text);
			continue;
		}
		if (i) {
			fputc('\n', fp);
			if (it->blank_before)
				fputc('\n', fp);
		}
		if (it->kind == DSL_ITEM_COMMENT) {
			fputs(f->comments[it->index].text, fp);
		} else if (it->kind == DSL_ITEM_OPTION) {
			const struct dsl_option *o = &f->options[it->index];
			fprintf(fp, "--%s", o->name);
			if (o->value)
				fprintf(fp, "%c%s", o->has_equals ? '=' : ' ', o->value);
		} else {
			const struct dsl_event *ev = &f->events[it->index];
			if (ev->time.kind != DSL_TIME_NONE) {
				dsl_print_time(fp, &ev->time);
				fputc(' ', fp);
			}
			dsl_print_event(fp, ev);
		}
	}
	if (f->n_items)
		fputc('\n', fp);
	return ferror(fp) ? -1 : 0;
}

char *dsl_print_string(const struct dsl_file *f, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&buf, &n);
	if (!fp)
		return NULL;
	int rc = dsl_print(fp, f);
	if (fclose(fp) || rc) {
		free(buf);
		return NULL;
	}
	if (len)
		*len = n;
	return buf;
}
