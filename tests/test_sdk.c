/* The plugin SDK's helpers (target-adapters/sdk/, tcpspec/plugin.h): the fd table hands
 * out fds as Linux does, the Linux numbering tables match this (Linux) system's own
 * headers, errno names translate both ways, and plugin names are checked as reports
 * need them (target-adapters/plugin.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <cmocka.h>

#include <tcpspec/plugin.h>

#include "target-adapters/plugin_host.h"

static void fds_lowest_free_from_3(void **state)
{
	(void)state;
	struct tcpspec_fdtab t = { 0 };
	int a, b, c;
	assert_int_equal(tcpspec_fd_alloc(&t, &a), 3);
	assert_int_equal(tcpspec_fd_alloc(&t, &b), 4);
	assert_int_equal(tcpspec_fd_alloc(&t, &c), 5);
	assert_ptr_equal(tcpspec_fd_get(&t, 4), &b);
	assert_ptr_equal(tcpspec_fd_release(&t, 4), &b);
	assert_null(tcpspec_fd_get(&t, 4));
	assert_null(tcpspec_fd_release(&t, 4));         /* twice: EBADF for the caller */
	assert_int_equal(tcpspec_fd_alloc(&t, &c), 4);  /* the hole first, as Linux */
	for (int i = 0; i < 100; i++)                   /* growth keeps what is there */
		assert_int_equal(tcpspec_fd_alloc(&t, &a), 6 + i);
	assert_ptr_equal(tcpspec_fd_get(&t, 3), &a);
	assert_ptr_equal(tcpspec_fd_get(&t, 5), &c);
	assert_null(tcpspec_fd_get(&t, -1));
	assert_null(tcpspec_fd_get(&t, 1000000));
	assert_null(tcpspec_fd_get(&t, 0));
	tcpspec_fd_free(&t);
	assert_null(tcpspec_fd_get(&t, 3));
	assert_int_equal(tcpspec_fd_alloc(&t, &a), 3);  /* usable after free */
	tcpspec_fd_free(&t);
}

/* The tables give Linux's numbers: on Linux, the system's own. */
static void linux_numbers_match_the_system(void **state)
{
	(void)state;
#define X(name, value) assert_int_equal(TCPSPEC_LINUX_##name, name);
	TCPSPEC_LINUX_ERRNOS(X)
	X(AF_INET, 0) X(AF_INET6, 0) X(SOCK_STREAM, 0) X(SOCK_NONBLOCK, 0) X(SOCK_CLOEXEC, 0)
	X(IPPROTO_TCP, 0) X(SOL_SOCKET, 0) X(SO_ERROR, 0) X(SO_LINGER, 0) X(SO_RCVTIMEO, 0)
	X(MSG_PEEK, 0) X(MSG_DONTWAIT, 0) X(MSG_NOSIGNAL, 0) X(MSG_MORE, 0) X(SHUT_RDWR, 0)
	X(F_GETFL, 0) X(F_SETFL, 0) X(O_NONBLOCK, 0) X(POLLIN, 0) X(POLLOUT, 0) X(POLLHUP, 0)
	X(POLLRDHUP, 0) X(FIONREAD, 0)
#undef X
}

static void errno_names_both_ways(void **state)
{
	(void)state;
	assert_string_equal(tcpspec_errno_name(104), "ECONNRESET");
	assert_string_equal(tcpspec_errno_name(11), "EAGAIN");
	assert_null(tcpspec_errno_name(35));            /* BSD's EAGAIN is no Linux errno */
	assert_int_equal(tcpspec_linux_errno("EINPROGRESS"), 115);
	assert_int_equal(tcpspec_linux_errno("EWOULDBLOCK"), 11);
	assert_int_equal(tcpspec_linux_errno("ENOSUCH"), -1);
	assert_int_equal(tcpspec_linux_errno(NULL), -1);
#define X(name, value) assert_int_equal(tcpspec_linux_errno(tcpspec_errno_name(value)), value);
	TCPSPEC_LINUX_ERRNOS(X)
#undef X
}

static void plugin_names_for_reports(void **state)
{
	(void)state;
	assert_true(target_plugin_name_ok("lwip-plugin"));
	assert_true(target_plugin_name_ok("picotcp_1.7+fix"));
	assert_false(target_plugin_name_ok(""));
	assert_false(target_plugin_name_ok(NULL));
	assert_false(target_plugin_name_ok("example (reference stack)"));  /* a column, a file name */
	assert_false(target_plugin_name_ok("../x"));
	assert_false(target_plugin_name_ok("a23456789012345678901234567890123"));   /* 33 */
	assert_true(target_plugin_name_ok("a2345678901234567890123456789012"));     /* 32 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fds_lowest_free_from_3),
		cmocka_unit_test(linux_numbers_match_the_system),
		cmocka_unit_test(errno_names_both_ways),
		cmocka_unit_test(plugin_names_for_reports),
	};
	return cmocka_run_group_tests_name("plugin SDK", tests, NULL, NULL);
}
