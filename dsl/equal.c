/* dsl/equal.c: structural equality of two trees, ignoring locations and layout. */
#include <string.h>

#include "dsl/dsl.h"

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool bytes_eq(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static bool time_eq(const struct dsl_time *a, const struct dsl_time *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case DSL_TIME_NONE:
	case DSL_TIME_ANY:
		return true;
	case DSL_TIME_ABSOLUTE:
	case DSL_TIME_RELATIVE:
		return a->start.relative == b->start.relative && a->start.ns == b->start.ns;
	case DSL_TIME_RANGE:
	case DSL_TIME_BLOCKING:
		return a->start.relative == b->start.relative && a->start.ns == b->start.ns &&
		       a->end.relative == b->end.relative && a->end.ns == b->end.ns;
	}
	return false;
}

static bool seq_eq(const struct dsl_seq *a, const struct dsl_seq *b)
{
	if (a->kind != b->kind || a->len != b->len)
		return false;
	if (a->kind == DSL_SEQ_ANY_START)
		return true;
	return a->start == b->start && a->end == b->end &&
	       a->start_absolute == b->start_absolute && a->end_absolute == b->end_absolute;
}

static bool opt_eq(const struct dsl_tcp_opt *a, const struct dsl_tcp_opt *b)
{
	if (a->kind != b->kind || !str_eq(a->sym, b->sym))
		return false;
	switch (a->kind) {
	case DSL_OPT_NOP:
	case DSL_OPT_EOL:
	case DSL_OPT_SACK_PERM:
		return true;
	case DSL_OPT_MSS:
	case DSL_OPT_WSCALE:
		return a->value == b->value && a->value_any == b->value_any;
	case DSL_OPT_SACK:
		if (a->n_sack != b->n_sack)
			return false;
		for (size_t i = 0; i < a->n_sack; i++)
			if (a->sack[i].start != b->sack[i].start || a->sack[i].end != b->sack[i].end)
				return false;
		return true;
	case DSL_OPT_TS:
		return a->ts_val == b->ts_val && a->ts_ecr == b->ts_ecr &&
		       a->ts_val_any == b->ts_val_any && a->ts_ecr_any == b->ts_ecr_any;
	case DSL_OPT_FASTOPEN:
	case DSL_OPT_FASTOPEN_EXP:
	case DSL_OPT_MD5:
		return bytes_eq(a->bytes, a->len, b->bytes, b->len);
	case DSL_OPT_ACCECN:
		if (a->n_accecn != b->n_accecn)
			return false;
		for (size_t i = 0; i < a->n_accecn; i++)
			if (a->accecn[i].field != b->accecn[i].field ||
			    a->accecn[i].value != b->accecn[i].value)
				return false;
		return true;
	case DSL_OPT_RAW:
		return a->raw_kind == b->raw_kind && a->raw_len == b->raw_len &&
		       bytes_eq(a->bytes, a->len, b->bytes, b->len);
	}
	return false;
}

static bool packet_eq(const struct dsl_packet *a, const struct dsl_packet *b)
{
	if (a->dir != b->dir || a->proto != b->proto || a->ecn != b->ecn ||
	    a->unchecked != b->unchecked)
		return false;
	if (a->has_tos != b->has_tos || (a->has_tos && a->tos != b->tos) ||
	    a->has_ttl != b->has_ttl || (a->has_ttl && a->ttl != b->ttl) ||
	    a->has_flowlabel != b->has_flowlabel || (a->has_flowlabel && a->flowlabel != b->flowlabel) ||
	    a->has_ip_id != b->has_ip_id || (a->has_ip_id && a->ip_id != b->ip_id) ||
	    a->tos_as_class != b->tos_as_class || a->ttl_as_hlim != b->ttl_as_hlim)
		return false;
	if (a->has_rport != b->has_rport || (a->has_rport && a->rport != b->rport))
		return false;
	if (a->has_ports != b->has_ports ||
	    (a->has_ports && (a->sport != b->sport || a->dport != b->dport)))
		return false;
	if (a->has_udp_encap != b->has_udp_encap ||
	    (a->has_udp_encap && (a->udp_src != b->udp_src || a->udp_dst != b->udp_dst)))
		return false;
	if (a->proto == DSL_PROTO_UDP && a->udp_len != b->udp_len)
		return false;
	if (a->proto == DSL_PROTO_ICMP) {
		const struct dsl_icmp *x = &a->icmp, *y = &b->icmp;
		return str_eq(x->type, y->type) && str_eq(x->code, y->code) &&
		       x->has_mtu == y->has_mtu && (!x->has_mtu || x->mtu == y->mtu) &&
		       x->has_quote == y->has_quote && x->quote_any == y->quote_any &&
		       x->quote_udp == y->quote_udp && x->quote_encap == y->quote_encap &&
		       (!x->quote_encap || (x->quote_udp_src == y->quote_udp_src &&
					    x->quote_udp_dst == y->quote_udp_dst)) &&
		       (!x->quote_udp || x->quote_udp_len == y->quote_udp_len) &&
		       (!x->has_quote || x->quote_any || x->quote_udp ||
			seq_eq(&x->quote, &y->quote));
	}
	if (a->proto == DSL_PROTO_TCP) {
		if (a->flags != b->flags || !seq_eq(&a->seq, &b->seq))
			return false;
		if (a->has_ack != b->has_ack ||
		    (a->has_ack && (a->ack != b->ack || a->ack_absolute != b->ack_absolute)))
			return false;
		if (a->has_win != b->has_win || (a->has_win && a->win != b->win) ||
		    a->has_urg != b->has_urg || (a->has_urg && a->urg != b->urg) ||
		    a->has_maxseg != b->has_maxseg || (a->has_maxseg && a->maxseg != b->maxseg) ||
		    a->has_head != b->has_head || (a->has_head && a->head != b->head) ||
		    a->keepalive != b->keepalive)
			return false;
	}
	if (a->opts_kind != b->opts_kind || a->n_opts != b->n_opts)
		return false;
	for (size_t i = 0; i < a->n_opts; i++)
		if (!opt_eq(&a->opts[i], &b->opts[i]))
			return false;
	const struct dsl_malformed *x = &a->bad, *y = &b->bad;
	if (x->present != y->present)
		return false;
	if (x->present &&
	    (x->has_csum != y->has_csum ||
	     (x->has_csum && (x->csum_bad != y->csum_bad || (!x->csum_bad && x->csum != y->csum))) ||
	     x->has_res != y->has_res || (x->has_res && x->res != y->res) ||
	     x->has_doff != y->has_doff || (x->has_doff && x->doff != y->doff)))
		return false;
	if (x->present) {
		if (x->n_muts != y->n_muts)
			return false;
		for (size_t i = 0; i < x->n_muts; i++)
			if (!dsl_mutation_eq(&x->muts[i], &y->muts[i]))
				return false;
	}
	return true;
}

static bool expr_eq(const struct dsl_expr *a, const struct dsl_expr *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->n_items != b->n_items)
		return false;
	switch (a->kind) {
	case DSL_EXPR_INT:
		if (a->ival != b->ival || a->is_hex != b->is_hex)
			return false;
		break;
	case DSL_EXPR_STRING:
		if (a->text_len != b->text_len || memcmp(a->text, b->text, a->text_len) ||
		    a->str_prefix != b->str_prefix)
			return false;
		break;
	case DSL_EXPR_DECIMAL:
	case DSL_EXPR_SYMBOL:
	case DSL_EXPR_FIELD:
	case DSL_EXPR_CALL:
		if (!str_eq(a->text, b->text))
			return false;
		break;
	default:
		break;
	}
	for (size_t i = 0; i < a->n_items; i++)
		if (!expr_eq(a->items[i], b->items[i]))
			return false;
	return expr_eq(a->index, b->index) && expr_eq(a->value, b->value);
}

static bool event_eq(const struct dsl_event *a, const struct dsl_event *b)
{
	if (a->kind != b->kind || !time_eq(&a->time, &b->time))
		return false;
	switch (a->kind) {
	case DSL_EV_PACKET:
		return packet_eq(&a->packet, &b->packet);
	case DSL_EV_SYSCALL:
		if (!str_eq(a->call.name, b->call.name) || a->call.n_args != b->call.n_args ||
		    !expr_eq(a->call.ret, b->call.ret) ||
		    !str_eq(a->call.err_name, b->call.err_name) || !str_eq(a->call.note, b->call.note))
			return false;
		for (size_t i = 0; i < a->call.n_args; i++)
			if (!expr_eq(a->call.args[i], b->call.args[i]))
				return false;
		return true;
	case DSL_EV_SHELL:
	case DSL_EV_CODE:
		return str_eq(a->text, b->text);
	case DSL_EV_UNSUPPORTED:
		return str_eq(a->text, b->text) && str_eq(a->reason, b->reason);
	}
	return false;
}

bool dsl_ast_equal(const struct dsl_file *a, const struct dsl_file *b)
{
	if (!a || !b)
		return a == b;
	if (a->n_items != b->n_items || a->n_events != b->n_events ||
	    a->n_options != b->n_options || a->n_comments != b->n_comments ||
	    a->unsupported != b->unsupported)
		return false;
	for (size_t i = 0; i < a->n_items; i++) {
		const struct dsl_item *x = &a->items[i], *y = &b->items[i];
		if (x->kind != y->kind || x->index != y->index)
			return false;
	}
	for (size_t i = 0; i < a->n_options; i++) {
		const struct dsl_option *x = &a->options[i], *y = &b->options[i];
		if (!str_eq(x->name, y->name) || !str_eq(x->value, y->value) ||
		    x->has_equals != y->has_equals)
			return false;
	}
	for (size_t i = 0; i < a->n_comments; i++)
		if (!str_eq(a->comments[i].text, b->comments[i].text) ||
		    a->comments[i].trailing != b->comments[i].trailing)
			return false;
	for (size_t i = 0; i < a->n_events; i++)
		if (!event_eq(&a->events[i], &b->events[i]))
			return false;
	return true;
}
