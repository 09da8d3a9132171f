/* The target registry and shared helpers (target-adapters/target.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "target-adapters/target.h"

static void status_names_come_from_one_list(void **state)
{
	(void)state;
	assert_string_equal(target_status_name(TARGET_OK), "OK");
	assert_string_equal(target_status_name(TARGET_TIMEOUT), "TIMEOUT");
	assert_string_equal(target_status_text(TARGET_UNAVAILABLE), "target not available here");
	assert_string_equal(target_status_name(-1), "?");
	assert_string_equal(target_status_name(TARGET_STATUS_COUNT), "?");
}

static void call_names_round_trip(void **state)
{
	(void)state;
	for (int k = 0; k < TARGET_CALL_COUNT; k++)
		assert_int_equal(target_call_lookup(target_call_name(k)), k);
	assert_int_equal(target_call_lookup("frobnicate"), -1);
	assert_string_equal(target_call_name(TARGET_CALL_SETSOCKOPT), "setsockopt");
}

static void defaults_are_documentation_addresses(void **state)
{
	(void)state;
	struct target_config c = {0};
	target_config_defaults(&c);
	char buf[64];
	assert_int_equal(c.ip_version, TARGET_IPV4_ONLY);
	inet_ntop(AF_INET, &c.local_ip.u.v4, buf, sizeof buf);
	assert_string_equal(buf, "192.0.2.2");
	inet_ntop(AF_INET, &c.remote_ip.u.v4, buf, sizeof buf);
	assert_string_equal(buf, "192.0.2.1");   /* the peer of scripts written for packetdrill */
	assert_int_equal(c.local_port, 8080);
	assert_int_equal(c.mtu, 1500);

	struct target_config c6 = { .ip_version = TARGET_IPV6_ONLY };
	target_config_defaults(&c6);
	inet_ntop(AF_INET6, &c6.local_ip.u.v6, buf, sizeof buf);
	assert_string_equal(buf, "2001:db8::2");
	assert_int_equal(c6.prefix_len, 64);
}

static void mapped_sockaddr_is_v6_with_v4_inside(void **state)
{
	(void)state;
	struct target_config c = { .ip_version = TARGET_IPV4_MAPPED_IPV6 };
	target_config_defaults(&c);
	assert_int_equal(c.local_ip.family, AF_INET);   /* IPv4 on the wire */
	struct sockaddr_storage ss;
	socklen_t n = target_sockaddr(&c, &c.local_ip, 8080, &ss);
	assert_int_equal(n, sizeof(struct sockaddr_in6));
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	char buf[64];
	inet_ntop(AF_INET6, &s6->sin6_addr, buf, sizeof buf);
	assert_string_equal(buf, "::ffff:192.0.2.2");
	assert_int_equal(ntohs(s6->sin6_port), 8080);
}

static void ip_version_names(void **state)
{
	(void)state;
	assert_int_equal(target_ip_version_parse("ipv4"), TARGET_IPV4_ONLY);
	assert_int_equal(target_ip_version_parse("ipv6"), TARGET_IPV6_ONLY);
	assert_int_equal(target_ip_version_parse("ipv4-mapped-ipv6"), TARGET_IPV4_MAPPED_IPV6);
	assert_int_equal(target_ip_version_parse("ipv5"), -1);
	assert_string_equal(target_ip_version_name(TARGET_IPV4_MAPPED_IPV6), "ipv4-mapped-ipv6");
}

static void unknown_target_is_unavailable_with_a_reason(void **state)
{
	(void)state;
	struct target_diag d = {0};
	assert_null(target_lookup("nosuchstack", &d));
	assert_int_equal(d.status, TARGET_UNAVAILABLE);
	assert_non_null(strstr(d.msg, "nosuchstack"));
}

/* plugin:PATH gives ops carrying PATH, one copy per path, so two plugins named in one
 * command each get their own; other targets carry none. */
static void plugin_spec_carries_its_path(void **state)
{
	(void)state;
	struct target_diag d = {0};
	const struct target_ops *a = target_lookup("plugin:/tmp/a.so", &d);
	const struct target_ops *b = target_lookup("plugin:/tmp/b.so", &d);
	if (!a) {
		skip();         /* plugin adapter not built in */
		return;
	}
	assert_non_null(b);
	assert_string_equal(a->name, "plugin");
	assert_string_equal(a->arg, "/tmp/a.so");
	assert_string_equal(b->arg, "/tmp/b.so");
	assert_ptr_equal(target_lookup("plugin:/tmp/a.so", &d), a);
	assert_ptr_equal(a->open, b->open);
	const struct target_ops *r = target_lookup("reference", &d);
	assert_non_null(r);
	assert_null(r->arg);
}

/* NULL buffers on targets without a kernel: the call is made as a probe that finds
 * what Linux finds before its copy faults, and the probe's result becomes EFAULT where
 * a copy would have happened. */
static void null_buffer_probe_reads_and_writes(void **state)
{
	(void)state;
	struct target_call c = { .kind = TARGET_CALL_READ, .fd = 4, .len = 1000,
				 .null_buf = true };
	struct target_call probe;
	const struct target_call *m = target_call_null_prepare(&c, &probe);
	assert_ptr_equal(m, &probe);
	assert_int_equal(m->kind, TARGET_CALL_RECV);   /* peeks: consumes nothing */
	assert_int_equal(m->flags, MSG_PEEK);
	assert_int_equal(m->len, 1000);
	assert_int_equal(target_call_null_fix(m, 200), -EFAULT);     /* data: the copy faults */
	assert_int_equal(target_call_null_fix(m, 0), 0);             /* end of file */
	assert_int_equal(target_call_null_fix(m, -EAGAIN), -EAGAIN); /* nothing to read */

	c = (struct target_call){ .kind = TARGET_CALL_RECV, .fd = 4, .len = 10,
				  .flags = MSG_WAITALL | MSG_DONTWAIT, .null_buf = true };
	m = target_call_null_prepare(&c, &probe);
	assert_int_equal(m->flags, MSG_PEEK | MSG_DONTWAIT);

	c = (struct target_call){ .kind = TARGET_CALL_SEND, .fd = 4, .len = 1000,
				  .flags = MSG_NOSIGNAL, .null_buf = true };
	m = target_call_null_prepare(&c, &probe);
	assert_int_equal(m->kind, TARGET_CALL_WRITE);
	assert_int_equal(m->len, 0);
	assert_int_equal(target_call_null_fix(m, 0), -EFAULT);       /* would have copied */
	assert_int_equal(target_call_null_fix(m, -EPIPE), -EPIPE);   /* found before the copy */

	c = (struct target_call){ .kind = TARGET_CALL_SENDTO, .fd = 4, .len = 10,
				  .null_buf = true, .has_addr = true };
	m = target_call_null_prepare(&c, &probe);
	assert_int_equal(m->kind, TARGET_CALL_SENDTO);
	assert_true(m->has_addr);
	assert_int_equal(m->len, 0);

	/* nothing to copy: an ordinary call, whose result stands */
	c = (struct target_call){ .kind = TARGET_CALL_WRITE, .fd = 4, .len = 0, .null_buf = true };
	m = target_call_null_prepare(&c, &probe);
	assert_false(m->null_buf);
	assert_int_equal(m->kind, TARGET_CALL_WRITE);
	assert_int_equal(target_call_null_fix(m, 0), 0);
	c = (struct target_call){ .kind = TARGET_CALL_WRITE, .fd = 4, .len = 10 };
	assert_ptr_equal(target_call_null_prepare(&c, &probe), &c);
	assert_int_equal(target_call_null_fix(&c, 10), 10);
}

static void null_iovec_faults_the_whole_call(void **state)
{
	(void)state;
	struct target_call c = { .kind = TARGET_CALL_WRITEV, .fd = 4, .iovcnt = 2,
				 .iov_len = { 100, 200 }, .null_iov = 0x2 };
	struct target_call probe;
	const struct target_call *m = target_call_null_prepare(&c, &probe);
	assert_int_equal(m->kind, TARGET_CALL_WRITE);
	assert_int_equal(target_call_null_fix(m, 0), -EFAULT);  /* not 100: one copy faults */

	c = (struct target_call){ .kind = TARGET_CALL_RECVMSG, .fd = 4, .iovcnt = 2,
				  .iov_len = { 50, 100 }, .null_iov = 0x2 };
	m = target_call_null_prepare(&c, &probe);
	assert_int_equal(m->kind, TARGET_CALL_RECV);
	assert_int_equal(m->len, 150);
	assert_int_equal(target_call_null_fix(m, 150), -EFAULT);

	/* a NULL base with no bytes is never copied through */
	c = (struct target_call){ .kind = TARGET_CALL_WRITEV, .fd = 4, .iovcnt = 2,
				  .iov_len = { 0, 100 }, .null_iov = 0x1 };
	m = target_call_null_prepare(&c, &probe);
	assert_int_equal(m->kind, TARGET_CALL_WRITEV);
	assert_int_equal(m->null_iov, 0);
	assert_int_equal(target_call_null_fix(m, 100), 100);
}

static void tcp_info_names(void **state)
{
	(void)state;
	assert_string_equal(target_tcp_info_name(TARGET_TI_snd_cwnd), "snd_cwnd");
	assert_string_equal(target_tcp_info_name(TARGET_TI_state), "state");
	assert_true(TARGET_TI_COUNT <= 64);  /* valid is a 64-bit mask */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_names_come_from_one_list),
		cmocka_unit_test(call_names_round_trip),
		cmocka_unit_test(defaults_are_documentation_addresses),
		cmocka_unit_test(mapped_sockaddr_is_v6_with_v4_inside),
		cmocka_unit_test(ip_version_names),
		cmocka_unit_test(unknown_target_is_unavailable_with_a_reason),
		cmocka_unit_test(tcp_info_names),
		cmocka_unit_test(null_buffer_probe_reads_and_writes),
		cmocka_unit_test(null_iovec_faults_the_whole_call),
		cmocka_unit_test(plugin_spec_carries_its_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
