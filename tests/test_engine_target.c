/* The target registry and shared helpers (target-adapters/target.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
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
		cmocka_unit_test(plugin_spec_carries_its_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
