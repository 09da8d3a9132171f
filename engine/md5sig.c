/* setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, {tcpm_addr=..., tcpm_key="secret"}, N):
 * Linux's struct tcp_md5sig (<linux/tcp.h>) from a struct literal.  tcpm_addr is the
 * peer the key is for: `...` (or left out) is the script's remote address, a string is
 * an address written out ("192.0.2.1").  tcpm_keylen defaults to the key's length;
 * tcpm_flags, tcpm_prefixlen and tcpm_ifindex to 0.  The layout is the system
 * headers', so the bytes are the ones the kernel reads. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/tcp.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine_int.h"

_Static_assert(sizeof(struct tcp_md5sig) <= TARGET_MAX_OPTBYTES,
	       "a struct tcp_md5sig must fit in a target_optval");

static const struct dsl_expr *member(const struct dsl_expr *s, const char *name)
{
	for (size_t i = 0; i < s->n_items; i++) {
		const struct dsl_expr *f = s->items[i];
		if (f->kind == DSL_EXPR_FIELD && f->text && !strcmp(f->text, name))
			return f->value;
	}
	return NULL;
}

bool engine_md5sig_is(const struct dsl_expr *e)
{
	return e && e->kind == DSL_EXPR_STRUCT &&
	       (member(e, "tcpm_key") || member(e, "tcpm_keylen"));
}

static bool int_of(const struct dsl_expr *e, int64_t *v)
{
	if (e->kind == DSL_EXPR_INT) {
		*v = e->ival;
		return true;
	}
	return e->kind == DSL_EXPR_SYMBOL && engine_symbol(e->text, v);
}

bool engine_md5sig_optval(struct engine_ctx *x, const struct dsl_expr *e,
			  struct target_optval *o, char *why, size_t cap)
{
	struct tcp_md5sig k;
	memset(&k, 0, sizeof k);
	for (size_t i = 0; i < e->n_items; i++) {
		const struct dsl_expr *f = e->items[i];
		if (f->kind != DSL_EXPR_FIELD || !f->text) {
			snprintf(why, cap, "a struct tcp_md5sig has named fields only");
			return false;
		}
		const char *n = f->text;
		const struct dsl_expr *v = f->value;
		int64_t iv = 0;
		if (!strcmp(n, "tcpm_addr")) {
			if (v->kind == DSL_EXPR_ELLIPSIS) {
				target_sockaddr(&x->tc, &x->tc.remote_ip, 0,
						(struct sockaddr_storage *)&k.tcpm_addr);
				continue;
			}
			struct sockaddr_in *s4 = (struct sockaddr_in *)&k.tcpm_addr;
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&k.tcpm_addr;
			if (v->kind == DSL_EXPR_STRING && inet_pton(AF_INET, v->text, &s4->sin_addr) == 1) {
				s4->sin_family = AF_INET;
			} else if (v->kind == DSL_EXPR_STRING &&
				   inet_pton(AF_INET6, v->text, &s6->sin6_addr) == 1) {
				s6->sin6_family = AF_INET6;
			} else {
				snprintf(why, cap, "tcpm_addr: ... (the remote address) or an "
					 "address in a string is expected");
				return false;
			}
		} else if (!strcmp(n, "tcpm_key")) {
			if (v->kind != DSL_EXPR_STRING || v->text_len > TCP_MD5SIG_MAXKEYLEN) {
				snprintf(why, cap, "tcpm_key: a string of at most %d bytes is "
					 "expected", TCP_MD5SIG_MAXKEYLEN);
				return false;
			}
			memcpy(k.tcpm_key, v->text, v->text_len);
			if (!member(e, "tcpm_keylen"))
				k.tcpm_keylen = (uint16_t)v->text_len;
		} else if (!int_of(v, &iv)) {
			snprintf(why, cap, "%s: a number is expected", n);
			return false;
		} else if (!strcmp(n, "tcpm_keylen")) {
			k.tcpm_keylen = (uint16_t)iv;
		} else if (!strcmp(n, "tcpm_flags")) {
			k.tcpm_flags = (uint8_t)iv;
		} else if (!strcmp(n, "tcpm_prefixlen")) {
			k.tcpm_prefixlen = (uint8_t)iv;
		} else if (!strcmp(n, "tcpm_ifindex")) {
			k.tcpm_ifindex = (int)iv;
		} else {
			snprintf(why, cap, "unknown struct tcp_md5sig field %s", n);
			return false;
		}
	}
	if (!member(e, "tcpm_addr"))
		target_sockaddr(&x->tc, &x->tc.remote_ip, 0, (struct sockaddr_storage *)&k.tcpm_addr);
	o->kind = TARGET_OPT_BYTES;
	o->nbytes = sizeof k;
	memcpy(o->bytes, &k, sizeof k);
	return true;
}
