/* The linux target: the running kernel, driven through a TUN device in a private
 * network namespace.
 *
 * open() unshares the calling process's network namespace (TARGET_OWN_PROCESS: the
 * engine calls it in a child made for one script), brings lo up, creates the TUN
 * device "tun0" (IFF_TUN | IFF_NO_PI), sets the MTU, the documentation addresses
 * (IPv6 with duplicate address detection off), a default route through the device
 * and a host route to the remote address.
 * Everything lives in the namespace, so it disappears with the process whatever
 * happens.  Socket calls are real syscalls, made by one syscall thread so a blocking
 * call can stay in flight while the engine keeps injecting and reading packets.
 * Only ioctls and /proc/sys writes are used: no helper programs, a few hundred
 * microseconds per script.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <endian.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <linux/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "target-adapters/target.h"
#include "target-adapters/common/tickstart.h"
#include "wire/wire.h"

#define LINUX_TUN_NAME "tun0"

/* For SIOCSIFADDR on an AF_INET6 socket (linux/ipv6.h clashes with netinet/in.h). */
struct linux_in6_ifreq {
	struct in6_addr addr;
	uint32_t prefixlen;
	int ifindex;
};

struct linux_target {
	int tun_fd;
	int ctl4, ctl6;             /* ioctl sockets */
	int ifindex;

	/* the syscall thread */
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool have_call, busy, done, quit;
	struct target_call call;
	struct target_result res;

	/* calls expected not to block run directly, under this one-shot timer */
	bool have_timer;
	timer_t timer;

	/* the reader thread: takes every packet off the TUN device as it comes and stamps
	 * it, so a packet sent early is seen as early even while the engine sleeps */
	pthread_t reader;
	bool reader_started;
	int wake[2];                /* a byte here stops the reader */
	pthread_mutex_t qmu;
	pthread_cond_t qcv;
	struct linux_pkt *qhead, *qtail;
	int qerr;                   /* errno of a failed read, 0 */
};

struct linux_pkt {
	struct linux_pkt *next;
	int64_t time_ns;
	size_t len;
	uint8_t data[];
};

#define LINUX_CALL_SIGNAL (SIGRTMIN + 1)

static void on_call_timer(int sig)
{
	(void)sig;      /* only interrupts the call (EINTR) */
}

static int64_t linux_now(struct target *t)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t mono_ns(void)
{
	return linux_now(NULL);
}

static int64_t coarse_ns(void *arg)
{
	(void)arg;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t fine_ns(void *arg)
{
	(void)arg;
	return mono_ns();
}

/* Script time 0: 250 us after the kernel's jiffies counter steps, where packetdrill
 * starts its scripts (common/tickstart.h).  The kernel keeps much of TCP's time in
 * jiffies (the tcp_info chronographs tcpi_busy_time, tcpi_rwnd_limited and
 * tcpi_sndbuf_limited, timer expiry): a script started at a random phase of a tick reads
 * those a tick more or less from run to run (at CONFIG_HZ=250 a 50 ms interval reads 48
 * or 52 ms), one started at a fixed phase reads the same every time, and the same as
 * packetdrill.  CLOCK_MONOTONIC_COARSE steps in the tick handler that steps jiffies. */
static int64_t linux_start(struct target *t)
{
	(void)t;
	const struct tick_clocks c = { coarse_ns, fine_ns, NULL };
	return tick_start(&c);
}

static void ns_to_abstime(int64_t ns, struct timespec *ts)
{
	ts->tv_sec = ns / 1000000000;
	ts->tv_nsec = ns % 1000000000;
}

/* ---- set-up helpers ------------------------------------------------------------------ */

static int write_proc(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t n = strlen(value);
	ssize_t w = write(fd, value, n);
	int e = errno;
	close(fd);
	errno = e;
	return w == (ssize_t)n ? 0 : -1;
}

/* "net.ipv4.tcp_sack" -> /proc/sys/net/ipv4/tcp_sack */
static int write_sysctl(const char *name, const char *value)
{
	char path[512];
	int n = snprintf(path, sizeof path, "/proc/sys/%s", name);
	if (n < 0 || (size_t)n >= sizeof path)
		return -1;
	for (char *p = path + 10; *p; p++)
		if (*p == '.')
			*p = '/';
	return write_proc(path, value);
}

static int if_up(int sock, const char *name, struct target *t)
{
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return target_diagf(&t->diag, TARGET_ERROR, "cannot read flags of %s: %s",
				    name, strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
		return target_diagf(&t->diag, TARGET_ERROR, "cannot bring %s up: %s", name,
				    strerror(errno));
	return TARGET_OK;
}

static int setup_addresses(struct target *t, struct linux_target *L,
			   const struct target_config *cfg)
{
	if (cfg->local_ip.family == AF_INET) {
		struct ifreq ifr = {0};
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", LINUX_TUN_NAME);
		struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
		sin->sin_family = AF_INET;
		sin->sin_addr = cfg->local_ip.u.v4;
		if (ioctl(L->ctl4, SIOCSIFADDR, &ifr) < 0)
			return target_diagf(&t->diag, TARGET_ERROR,
					    "cannot set the IPv4 address: %s", strerror(errno));
		uint32_t mask = cfg->prefix_len <= 0 ? 0
				: htonl(~0u << (32 - (cfg->prefix_len > 32 ? 32 : cfg->prefix_len)));
		sin->sin_addr.s_addr = mask;
		if (ioctl(L->ctl4, SIOCSIFNETMASK, &ifr) < 0)
			return target_diagf(&t->diag, TARGET_ERROR,
					    "cannot set the IPv4 netmask: %s", strerror(errno));
		return TARGET_OK;
	}
	struct linux_in6_ifreq r6 = {
		.addr = cfg->local_ip.u.v6,
		.prefixlen = cfg->prefix_len,
		.ifindex = L->ifindex,
	};
	if (ioctl(L->ctl6, SIOCSIFADDR, &r6) < 0)
		return target_diagf(&t->diag, TARGET_ERROR, "cannot set the IPv6 address: %s",
				    strerror(errno));
	/* Even without DAD a new IPv6 address is tentative until a kernel work item runs:
	 * wait (sleeping, so the worker gets the CPU) until a bind to it works. */
	struct sockaddr_in6 probe = { .sin6_family = AF_INET6, .sin6_addr = cfg->local_ip.u.v6 };
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int64_t give_up = mono_ns() + 2000000000LL;
	while (fd >= 0 && bind(fd, (struct sockaddr *)&probe, sizeof probe) != 0) {
		if (errno != EADDRNOTAVAIL || mono_ns() > give_up) {
			int e = errno;
			close(fd);
			return target_diagf(&t->diag, TARGET_ERROR,
					    "the IPv6 address does not become usable: %s",
					    strerror(e));
		}
		struct timespec ts = { 0, 20000 };
		nanosleep(&ts, NULL);
	}
	if (fd >= 0)
		close(fd);
	return TARGET_OK;
}

/* A host route to the remote address through the device, as packetdrill makes one:
 * scripts change it (`ip route change 192.0.2.1 via ... advmss 600`), which needs a
 * route of exactly that prefix (IPv6: at the default metric, 1024). */
static int setup_host_route(struct target *t, struct linux_target *L,
			    const struct target_config *cfg)
{
	if (cfg->remote_ip.family == AF_INET) {
		struct rtentry rt = {0};
		struct sockaddr_in *dst = (struct sockaddr_in *)&rt.rt_dst;
		struct sockaddr_in *mask = (struct sockaddr_in *)&rt.rt_genmask;
		dst->sin_family = AF_INET;
		dst->sin_addr = cfg->remote_ip.u.v4;
		mask->sin_family = AF_INET;
		mask->sin_addr.s_addr = 0xffffffff;
		rt.rt_flags = RTF_UP | RTF_HOST;
		rt.rt_dev = (char *)LINUX_TUN_NAME;
		if (ioctl(L->ctl4, SIOCADDRT, &rt) < 0 && errno != EEXIST)
			return target_diagf(&t->diag, TARGET_ERROR,
					    "cannot add the IPv4 route to the remote address: %s",
					    strerror(errno));
		return TARGET_OK;
	}
	struct in6_rtmsg rt = {0};
	rt.rtmsg_dst = cfg->remote_ip.u.v6;
	rt.rtmsg_dst_len = 128;
	rt.rtmsg_flags = RTF_UP | RTF_HOST;
	rt.rtmsg_metric = 1024;
	rt.rtmsg_ifindex = L->ifindex;
	if (ioctl(L->ctl6, SIOCADDRT, &rt) < 0 && errno != EEXIST)
		return target_diagf(&t->diag, TARGET_ERROR,
				    "cannot add the IPv6 route to the remote address: %s",
				    strerror(errno));
	return TARGET_OK;
}

/* A default route through the device, so remote addresses outside the local subnet
 * (--remote_ip in another documentation prefix) are reachable too, and the host route
 * to the remote address. */
static int setup_route(struct target *t, struct linux_target *L,
		       const struct target_config *cfg)
{
	int rc = setup_host_route(t, L, cfg);
	if (rc)
		return rc;
	if (cfg->local_ip.family == AF_INET) {
		struct rtentry rt = {0};
		struct sockaddr_in *dst = (struct sockaddr_in *)&rt.rt_dst;
		struct sockaddr_in *mask = (struct sockaddr_in *)&rt.rt_genmask;
		dst->sin_family = AF_INET;
		mask->sin_family = AF_INET;
		rt.rt_flags = RTF_UP;
		rt.rt_dev = (char *)LINUX_TUN_NAME;
		if (ioctl(L->ctl4, SIOCADDRT, &rt) < 0 && errno != EEXIST)
			return target_diagf(&t->diag, TARGET_ERROR,
					    "cannot add the IPv4 default route: %s",
					    strerror(errno));
		return TARGET_OK;
	}
	struct in6_rtmsg rt = {0};
	rt.rtmsg_flags = RTF_UP;
	rt.rtmsg_metric = 1;
	rt.rtmsg_ifindex = L->ifindex;
	if (ioctl(L->ctl6, SIOCADDRT, &rt) < 0 && errno != EEXIST)
		return target_diagf(&t->diag, TARGET_ERROR,
				    "cannot add the IPv6 default route: %s", strerror(errno));
	return TARGET_OK;
}

static void *syscall_thread(void *arg);
static void *reader_thread(void *arg);

/* The effective capability set has bit `cap` (from /proc/self/status). */
static bool have_cap(int cap)
{
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return true;            /* cannot tell: let open() say */
	char line[256];
	unsigned long long eff = ~0ull;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return eff & (1ull << cap);
}

/* What open() needs, checked without a namespace: the TUN device, and the
 * capabilities to make a network namespace (CAP_SYS_ADMIN) and configure it
 * (CAP_NET_ADMIN).  The messages are open()'s own. */
static int linux_probe(struct target_diag *d)
{
	if (access("/dev/net/tun", F_OK) != 0)
		return target_diagf(d, TARGET_UNAVAILABLE,
				    "the linux target needs /dev/net/tun, which is missing here");
	if (!have_cap(21 /* CAP_SYS_ADMIN */) || !have_cap(12 /* CAP_NET_ADMIN */))
		return target_diagf(d, TARGET_UNAVAILABLE,
				    "the linux target needs root (CAP_NET_ADMIN) to create a "
				    "network namespace");
	return TARGET_OK;
}

static int linux_open(struct target *t, const struct target_config *cfg)
{
	if (access("/dev/net/tun", F_OK) != 0)
		return target_diagf(&t->diag, TARGET_UNAVAILABLE,
				    "the linux target needs /dev/net/tun, which is missing here");
	if (unshare(CLONE_NEWNET) != 0) {
		if (errno == EPERM)
			return target_diagf(&t->diag, TARGET_UNAVAILABLE,
					    "the linux target needs root (CAP_NET_ADMIN) to create "
					    "a network namespace");
		return target_diagf(&t->diag, TARGET_UNAVAILABLE,
				    "cannot create a network namespace: %s", strerror(errno));
	}
	/* Real time: run ahead of other load on the machine so that a busy CPU does not
	 * show up as a late packet.  Children (shell lines, python) go back to normal. */
	struct sched_param sp = { .sched_priority = 10 };
	sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp);

	struct linux_target *L = calloc(1, sizeof *L);
	if (!L)
		return target_diagf(&t->diag, TARGET_ERROR, "out of memory");
	t->priv = L;
	L->tun_fd = L->ctl4 = L->ctl6 = -1;
	L->wake[0] = L->wake[1] = -1;
	pthread_mutex_init(&L->mu, NULL);
	pthread_mutex_init(&L->qmu, NULL);
	pthread_condattr_t ca;          /* deadlines are CLOCK_MONOTONIC */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&L->cv, &ca);
	pthread_cond_init(&L->qcv, &ca);
	pthread_condattr_destroy(&ca);

	L->ctl4 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	L->ctl6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (L->ctl4 < 0 || L->ctl6 < 0)
		return target_diagf(&t->diag, TARGET_ERROR, "cannot open control sockets: %s",
				    strerror(errno));
	int rc = if_up(L->ctl4, "lo", t);
	if (rc)
		return rc;

	/* no duplicate address detection on devices made from now on */
	write_proc("/proc/sys/net/ipv6/conf/default/accept_dad", "0");
	write_proc("/proc/sys/net/ipv6/conf/all/accept_dad", "0");

	L->tun_fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (L->tun_fd < 0)
		return target_diagf(&t->diag, TARGET_UNAVAILABLE, "cannot open /dev/net/tun: %s",
				    strerror(errno));
	struct ifreq ifr = {0};
	/* Offloads like a typical Ethernet device, as the scripts written for packetdrill
	 * expect: TSO (the stack hands over segments of many MSS, seen as one packet) and
	 * checksum offload.  That needs the virtio header on every read and write. */
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", LINUX_TUN_NAME);
	if (ioctl(L->tun_fd, TUNSETIFF, &ifr) < 0)
		return target_diagf(&t->diag, TARGET_UNAVAILABLE,
				    "cannot create the TUN device: %s", strerror(errno));
	L->ifindex = if_nametoindex(LINUX_TUN_NAME);
	int vnet_sz = sizeof(struct virtio_net_hdr);
	if (ioctl(L->tun_fd, TUNSETVNETHDRSZ, &vnet_sz) < 0 ||
	    ioctl(L->tun_fd, TUNSETOFFLOAD,
		  TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN) < 0)
		return target_diagf(&t->diag, TARGET_ERROR,
				    "cannot set the TUN offloads: %s", strerror(errno));
	/* Persistent: closing the fd then leaves the device alone, and it is destroyed
	 * with the namespace, in the kernel's batched namespace clean-up.  Unregistering it
	 * at close instead waits for RCU grace periods, ~30 ms per script.  (A device of a
	 * dying namespace is destroyed, never moved to the host: tun is a virtual device.) */
	if (ioctl(L->tun_fd, TUNSETPERSIST, 1) < 0)
		return target_diagf(&t->diag, TARGET_ERROR,
				    "cannot make the TUN device persistent: %s", strerror(errno));

	/* Quiet IPv6 on the device: no DAD (addresses usable at once), no router
	 * solicitations, no link-local address; for IPv4 runs no IPv6 at all. */
	bool v6 = cfg->local_ip.family == AF_INET6;
	const char *conf = "/proc/sys/net/ipv6/conf/" LINUX_TUN_NAME "/";
	char path[128];
	snprintf(path, sizeof path, "%s%s", conf, v6 ? "accept_dad" : "disable_ipv6");
	write_proc(path, v6 ? "0" : "1");
	if (v6) {
		snprintf(path, sizeof path, "%srouter_solicitations", conf);
		write_proc(path, "0");
		snprintf(path, sizeof path, "%saddr_gen_mode", conf);
		write_proc(path, "1");
	}

	ifr.ifr_mtu = cfg->mtu;
	if (ioctl(L->ctl4, SIOCSIFMTU, &ifr) < 0)      /* the kernel's own minimums */
		return target_diagf(&t->diag, TARGET_UNSUPPORTED,
				    "the kernel refused MTU %d on the TUN device: %s", cfg->mtu,
				    strerror(errno));
	if ((rc = if_up(L->ctl4, LINUX_TUN_NAME, t)) ||
	    (rc = setup_addresses(t, L, cfg)) || (rc = setup_route(t, L, cfg)))
		return rc;

	for (size_t i = 0; i < cfg->n_settings; i++)
		if (write_sysctl(cfg->settings[i].name, cfg->settings[i].value) != 0)
			return target_diagf(&t->diag, TARGET_UNSUPPORTED,
					    "cannot set %s=%s: %s", cfg->settings[i].name,
					    cfg->settings[i].value, strerror(errno));

	struct sigaction sa = { .sa_handler = on_call_timer };   /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID,
				.sigev_signo = LINUX_CALL_SIGNAL };
	sev._sigev_un._tid = gettid();
	if (sigaction(LINUX_CALL_SIGNAL, &sa, NULL) == 0 &&
	    timer_create(CLOCK_MONOTONIC, &sev, &L->timer) == 0)
		L->have_timer = true;

	/* both threads at the same real-time priority as this one, when permitted (they
	 * do not inherit it: SCHED_RESET_ON_FORK applies to threads too) */
	pthread_attr_t ra;
	pthread_attr_init(&ra);
	struct sched_param rp = { .sched_priority = 10 };
	if ((sched_getscheduler(0) & ~SCHED_RESET_ON_FORK) == SCHED_RR) {
		pthread_attr_setinheritsched(&ra, PTHREAD_EXPLICIT_SCHED);
		pthread_attr_setschedpolicy(&ra, SCHED_RR);
		pthread_attr_setschedparam(&ra, &rp);
	}
	if (pthread_create(&L->thread, &ra, syscall_thread, L) != 0 &&
	    pthread_create(&L->thread, NULL, syscall_thread, L) != 0) {
		pthread_attr_destroy(&ra);
		return target_diagf(&t->diag, TARGET_ERROR, "cannot start the syscall thread");
	}
	L->thread_started = true;

	if (pipe2(L->wake, O_CLOEXEC) != 0) {
		pthread_attr_destroy(&ra);
		return target_diagf(&t->diag, TARGET_ERROR, "pipe: %s", strerror(errno));
	}
	int prc = pthread_create(&L->reader, &ra, reader_thread, L);
	if (prc != 0)
		prc = pthread_create(&L->reader, NULL, reader_thread, L);
	pthread_attr_destroy(&ra);
	if (prc != 0)
		return target_diagf(&t->diag, TARGET_ERROR, "cannot start the TUN reader thread");
	L->reader_started = true;
	return TARGET_OK;
}

static void linux_close(struct target *t)
{
	struct linux_target *L = t->priv;
	if (!L)
		return;
	if (L->thread_started) {
		pthread_mutex_lock(&L->mu);
		bool stuck = L->busy;
		L->quit = true;
		pthread_cond_broadcast(&L->cv);
		pthread_mutex_unlock(&L->mu);
		if (stuck) /* a call still blocked in the kernel: the process ends soon */
			pthread_detach(L->thread);
		else
			pthread_join(L->thread, NULL);
	}
	if (L->reader_started) {
		if (write(L->wake[1], "x", 1) == 1)
			pthread_join(L->reader, NULL);
		else
			pthread_detach(L->reader);
	}
	for (struct linux_pkt *p = L->qhead, *n; p; p = n) {
		n = p->next;
		free(p);
	}
	L->qhead = L->qtail = NULL;
	if (L->wake[0] >= 0) {
		close(L->wake[0]);
		close(L->wake[1]);
	}
	if (L->tun_fd >= 0)
		close(L->tun_fd);       /* persistent: goes with the namespace */
	if (L->ctl4 >= 0)
		close(L->ctl4);
	if (L->ctl6 >= 0)
		close(L->ctl6);
	if (!L->thread_started) {
		pthread_mutex_destroy(&L->mu);
		pthread_cond_destroy(&L->cv);
		free(L);
	}
	/* with a thread, L stays allocated: a detached thread may still touch it */
	t->priv = NULL;
}

/* ---- packets ---------------------------------------------------------------------- */

static int linux_inject(struct target *t, const uint8_t *ip, size_t len)
{
	struct linux_target *L = t->priv;
	struct virtio_net_hdr h = {0};  /* a plain packet: no GSO, checksum complete */
	/* --mss: a TCP segment arrives as if a NIC had coalesced segments of that size.
	 * As packetdrill writes it: every TCP packet (the kernel treats one no longer
	 * than the size as a plain one), and no header length, so tun puts the whole
	 * packet in page fragments.  How the skb is laid out decides its truesize, which
	 * the receive window is computed from (a header length of IP+TCP advertised a
	 * window two units smaller than packetdrill's in tcp_ooo_rcv_mss). */
	if (t->cfg->mss > 0 && len >= 20) {
		bool v6 = (ip[0] >> 4) == 6;
		uint8_t proto = v6 ? ip[6] : ip[9];
		if (proto == IPPROTO_TCP) {
			h.gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
			h.gso_size = htole16(t->cfg->mss);
		}
	}
	struct iovec v[2] = { { &h, sizeof h }, { (void *)ip, len } };
	if (writev(L->tun_fd, v, 2) != (ssize_t)(sizeof h + len))
		return target_diagf(&t->diag, TARGET_ERROR, "cannot write to the TUN device: %s",
				    strerror(errno));
	return TARGET_OK;
}

/* Packets the kernel sends on its own that no script is about: IPv6 neighbour
 * discovery, router solicitations and MLD reports, and IGMP. */
static bool is_noise(const uint8_t *p, size_t n)
{
	if (n >= 40 && (p[0] >> 4) == 6) {
		uint8_t nh = p[6];
		size_t off = 40;
		if (nh == 0 && n >= 48) { /* hop-by-hop (MLD carries router alert) */
			nh = p[40];
			off += (p[41] + 1) * 8;
		}
		if (nh == IPPROTO_ICMPV6 && n > off) {
			uint8_t type = p[off];
			return type >= 130 && type <= 143;
		}
		return false;
	}
	if (n >= 20 && (p[0] >> 4) == 4)
		return p[9] == IPPROTO_IGMP;
	return false;
}

static void *reader_thread(void *arg)
{
	struct linux_target *L = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	static uint8_t buf[TARGET_MAX_PACKET];
	for (;;) {
		struct pollfd pfd[2] = { { .fd = L->tun_fd, .events = POLLIN },
					 { .fd = L->wake[0], .events = POLLIN } };
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			break;
		for (;;) {
			ssize_t n = read(L->tun_fd, buf, sizeof buf);
			int64_t now = mono_ns();
			if (n < 0) {
				if (errno != EAGAIN && errno != EINTR) {
					pthread_mutex_lock(&L->qmu);
					L->qerr = errno;
					pthread_cond_broadcast(&L->qcv);
					pthread_mutex_unlock(&L->qmu);
					return NULL;
				}
				break;
			}
			if (n < (ssize_t)sizeof(struct virtio_net_hdr))
				continue;
			/* strip the virtio header; finish an offloaded checksum so that the
			 * packet (and its capture) is what a NIC would put on the wire */
			struct virtio_net_hdr h;
			memcpy(&h, buf, sizeof h);
			n -= sizeof h;
			uint8_t *pkt = buf + sizeof h;
			if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
				size_t start = le16toh(h.csum_start), off = le16toh(h.csum_offset);
				if (start + off + 2 <= (size_t)n) {
					uint16_t c = wire_csum(pkt + start, n - start);
					pkt[start + off] = c >> 8;
					pkt[start + off + 1] = c & 0xff;
				}
			}
			if (n == 0 || is_noise(pkt, n))
				continue;
			struct linux_pkt *p = malloc(sizeof *p + n);
			if (!p)
				continue;
			p->next = NULL;
			p->time_ns = now;
			p->len = n;
			memcpy(p->data, pkt, n);
			pthread_mutex_lock(&L->qmu);
			if (L->qtail)
				L->qtail->next = p;
			else
				L->qhead = p;
			L->qtail = p;
			pthread_cond_broadcast(&L->qcv);
			pthread_mutex_unlock(&L->qmu);
		}
	}
	return NULL;
}

static int linux_next_outbound(struct target *t, int64_t deadline_ns, struct target_packet *pk)
{
	struct linux_target *L = t->priv;
	pthread_mutex_lock(&L->qmu);
	while (!L->qhead && !L->qerr) {
		if (mono_ns() >= deadline_ns) {
			pthread_mutex_unlock(&L->qmu);
			return TARGET_TIMEOUT;
		}
		struct timespec ts;
		ns_to_abstime(deadline_ns, &ts);
		pthread_cond_timedwait(&L->qcv, &L->qmu, &ts);
	}
	struct linux_pkt *p = L->qhead;
	if (!p) {
		int e = L->qerr;
		pthread_mutex_unlock(&L->qmu);
		return target_diagf(&t->diag, TARGET_ERROR, "cannot read from the TUN device: %s",
				    strerror(e));
	}
	L->qhead = p->next;
	if (!L->qhead)
		L->qtail = NULL;
	pthread_mutex_unlock(&L->qmu);
	pk->time_ns = p->time_ns;
	pk->len = p->len;
	memcpy(pk->data, p->data, p->len);
	free(p);
	return TARGET_OK;
}

/* ---- socket calls ----------------------------------------------------------------- */

static void *zero_buffer(size_t len)
{
	return calloc(1, len ? len : 1);
}

static void do_sockopt(const struct target_call *c, struct target_result *r)
{
	if (c->kind == TARGET_CALL_SETSOCKOPT) {
		int iv = (int)c->opt.i;
		struct linger lg = { c->opt.linger.onoff, c->opt.linger.linger };
		const void *val = NULL;
		socklen_t len = c->optlen;
		switch (c->opt.kind) {
		case TARGET_OPT_INT: val = &iv; break;
		case TARGET_OPT_LINGER: val = &lg; break;
		case TARGET_OPT_BYTES: val = c->opt.bytes; break;
		case TARGET_OPT_NONE: val = NULL; break;
		}
		r->ret = setsockopt(c->fd, c->level, c->optname, val, len);
		return;
	}
	uint8_t buf[TARGET_MAX_OPTBYTES] = {0};
	socklen_t len = c->optlen;
	if (len > sizeof buf)
		len = sizeof buf;
	r->ret = getsockopt(c->fd, c->level, c->optname, buf, &len);
	if (r->ret < 0)
		return;
	r->optlen = len;
	if (c->level == SOL_SOCKET && c->optname == SO_LINGER && len >= sizeof(struct linger)) {
		struct linger lg;
		memcpy(&lg, buf, sizeof lg);
		r->opt.kind = TARGET_OPT_LINGER;
		r->opt.linger.onoff = lg.l_onoff;
		r->opt.linger.linger = lg.l_linger;
	} else if (len == sizeof(int)) {
		int v;
		memcpy(&v, buf, sizeof v);
		r->opt.kind = TARGET_OPT_INT;
		r->opt.i = v;
	}
	if (r->opt.kind != TARGET_OPT_LINGER) {
		r->opt.nbytes = len;
		memcpy(r->opt.bytes, buf, len);
		if (r->opt.kind == TARGET_OPT_NONE)
			r->opt.kind = TARGET_OPT_BYTES;
	}
}

static void do_msg(const struct target_call *c, struct target_result *r)
{
	/* Each entry in a buffer of its own, apart from its neighbours (as separately
	 * allocated buffers are): the kernel would merge adjacent pieces of one page into
	 * one fragment under MSG_ZEROCOPY, and scripts count fragments. */
	enum { GAP = 64 };
	int n = c->iovcnt;
	size_t total = target_call_iov_total(c);
	struct iovec *iov = calloc(n > 0 ? (size_t)n : 1, sizeof *iov);
	uint8_t *buf = iov ? zero_buffer(total + (size_t)n * GAP) : NULL;
	if (!buf) {
		free(iov);
		r->ret = -1;
		errno = ENOMEM;
		return;
	}
	size_t off = 0;
	for (int i = 0; i < n; i++) {
		uint8_t *at = buf + off + (size_t)i * GAP;
		iov[i].iov_base = i < TARGET_MAX_IOV && (c->null_iov & (1u << i)) ? NULL : at;
		iov[i].iov_len = target_call_iov_len(c, i);
		if (c->data && iov[i].iov_base &&
		    (c->kind == TARGET_CALL_WRITEV || c->kind == TARGET_CALL_SENDMSG))
			memcpy(at, c->data + off, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = n };
	struct sockaddr_storage peer;
	switch (c->kind) {
	case TARGET_CALL_READV: r->ret = readv(c->fd, iov, n); break;
	case TARGET_CALL_WRITEV: r->ret = writev(c->fd, iov, n); break;
	case TARGET_CALL_SENDMSG:
		if (c->has_addr) {
			mh.msg_name = (void *)&c->addr;
			mh.msg_namelen = c->addrlen;
		}
		r->ret = sendmsg(c->fd, &mh, c->flags);
		break;
	default: /* RECVMSG */
		mh.msg_name = &peer;
		mh.msg_namelen = sizeof peer;
		if (c->controllen) {
			mh.msg_control = r->control;
			mh.msg_controllen = c->controllen < sizeof r->control ? c->controllen
									     : sizeof r->control;
		}
		r->ret = recvmsg(c->fd, &mh, c->flags);
		r->msg_flags = mh.msg_flags;
		r->controllen = r->ret >= 0 ? mh.msg_controllen : 0;
		break;
	}
	int e = errno;
	/* the bytes read, end to end as the iovecs hold them */
	if (c->rdata && (c->kind == TARGET_CALL_READV || c->kind == TARGET_CALL_RECVMSG)) {
		size_t left = r->ret > 0 ? (size_t)r->ret : 0, at = 0;
		for (int i = 0; i < n && left; i++) {      /* gathered across the gaps */
			size_t k = iov[i].iov_len < left ? iov[i].iov_len : left;
			if (iov[i].iov_base)
				memcpy(c->rdata + at, iov[i].iov_base, k);
			at += k;
			left -= k;
		}
		r->rdata_filled = true;
	}
	free(buf);
	free(iov);
	errno = e;
}

static void do_call(const struct target_call *c, struct target_result *r)
{
	uint8_t *buf = NULL;
	socklen_t alen = sizeof r->addr;
	errno = 0;
	switch (c->kind) {
	case TARGET_CALL_SOCKET:
		r->ret = socket(c->domain, c->type, c->protocol);
		break;
	case TARGET_CALL_BIND:
		r->ret = bind(c->fd, (const struct sockaddr *)&c->addr, c->addrlen);
		break;
	case TARGET_CALL_LISTEN:
		r->ret = listen(c->fd, c->backlog);
		break;
	case TARGET_CALL_ACCEPT:
		r->ret = accept4(c->fd, (struct sockaddr *)&r->addr, &alen, c->flags);
		if (r->ret >= 0)
			r->addrlen = alen;
		break;
	case TARGET_CALL_CONNECT:
		r->ret = connect(c->fd, (const struct sockaddr *)&c->addr, c->addrlen);
		break;
	case TARGET_CALL_READ:
	case TARGET_CALL_RECV:
	case TARGET_CALL_RECVFROM:
		/* the bytes read go to c->rdata when the engine gave one */
		if (!c->null_buf && c->rdata) {
			buf = c->rdata;
			r->rdata_filled = true;
		} else if (!c->null_buf && !(buf = zero_buffer(c->len))) {
			r->ret = -1;
			errno = ENOMEM;
			break;
		}
		/* buf stays NULL for the script's NULL: the kernel answers (EFAULT) */
		if (c->kind == TARGET_CALL_READ)
			r->ret = read(c->fd, buf, c->len);
		else if (c->kind == TARGET_CALL_RECV)
			r->ret = recv(c->fd, buf, c->len, c->flags);
		else {
			r->ret = recvfrom(c->fd, buf, c->len, c->flags,
					  (struct sockaddr *)&r->addr, &alen);
			if (r->ret >= 0)
				r->addrlen = alen;
		}
		break;
	case TARGET_CALL_WRITE:
	case TARGET_CALL_SEND:
	case TARGET_CALL_SENDTO: {
		const void *data = c->null_buf ? NULL : c->data;
		if (!data && !c->null_buf)
			data = buf = zero_buffer(c->len);
		if (!data && !c->null_buf) {
			r->ret = -1;
			errno = ENOMEM;
			break;
		}
		if (c->kind == TARGET_CALL_WRITE)
			r->ret = write(c->fd, data, c->len);
		else if (c->kind == TARGET_CALL_SEND)
			r->ret = send(c->fd, data, c->len, c->flags);
		else
			r->ret = sendto(c->fd, data, c->len, c->flags,
					c->has_addr ? (const struct sockaddr *)&c->addr : NULL,
					c->has_addr ? c->addrlen : 0);
		break;
	}
	case TARGET_CALL_SENDMSG:
	case TARGET_CALL_RECVMSG:
	case TARGET_CALL_READV:
	case TARGET_CALL_WRITEV:
		do_msg(c, r);
		break;
	case TARGET_CALL_CLOSE:
		r->ret = close(c->fd);
		break;
	case TARGET_CALL_SHUTDOWN:
		r->ret = shutdown(c->fd, c->how);
		break;
	case TARGET_CALL_SETSOCKOPT:
	case TARGET_CALL_GETSOCKOPT:
		do_sockopt(c, r);
		break;
	case TARGET_CALL_FCNTL:
		r->ret = fcntl(c->fd, c->cmd, (long)c->arg);
		break;
	case TARGET_CALL_POLL: {
		struct pollfd p[TARGET_MAX_POLLFD];
		int n = c->nfds > TARGET_MAX_POLLFD ? TARGET_MAX_POLLFD : c->nfds;
		for (int i = 0; i < n; i++) {
			p[i].fd = c->pfd[i].fd;
			p[i].events = c->pfd[i].events;
			p[i].revents = 0;
		}
		r->ret = poll(p, n, c->timeout_ms);
		r->nfds = n;
		for (int i = 0; i < n; i++) {
			r->pfd[i].fd = c->pfd[i].fd;
			r->pfd[i].events = c->pfd[i].events;
			r->pfd[i].revents = p[i].revents;
		}
		break;
	}
	case TARGET_CALL_IOCTL: {
		int v = 0;
		r->ret = ioctl(c->fd, c->cmd, &v);
		r->ioctl_val = v;
		break;
	}
	case TARGET_CALL_EPOLL_CREATE:
		r->ret = epoll_create(c->maxevents > 0 ? c->maxevents : 1);
		break;
	case TARGET_CALL_EPOLL_CTL: {
		struct epoll_event ev = { .events = c->epoll_ev.events,
					  .data.u64 = c->epoll_ev.data };
		r->ret = epoll_ctl(c->fd, c->epoll_op, c->epoll_target_fd, &ev);
		break;
	}
	case TARGET_CALL_EPOLL_WAIT: {
		struct epoll_event ev[TARGET_MAX_EVENTS];
		int max = c->maxevents > TARGET_MAX_EVENTS || c->maxevents <= 0
			  ? TARGET_MAX_EVENTS : c->maxevents;
		r->ret = epoll_wait(c->fd, ev, max, c->timeout_ms);
		for (int i = 0; i < r->ret; i++) {
			r->events[i].events = ev[i].events;
			r->events[i].data = ev[i].data.u64;
		}
		r->nevents = r->ret > 0 ? (int)r->ret : 0;
		break;
	}
	case TARGET_CALL_PIPE:
		r->ret = pipe(r->pipefd);
		break;
	case TARGET_CALL_SENDFILE: {
		off_t off = c->offset;
		r->ret = sendfile(c->fd, c->in_fd, c->has_offset ? &off : NULL, c->len);
		break;
	}
	case TARGET_CALL_OPEN:
		r->ret = open(c->path, c->type, (mode_t)c->protocol);
		break;
	case TARGET_CALL_SPLICE:
		r->ret = splice(c->in_fd, NULL, c->fd, NULL, c->len, c->flags);
		break;
	default:
		r->ret = -1;
		errno = ENOSYS;
		break;
	}
	r->err = r->ret < 0 ? errno : 0;
	if (buf != c->rdata)
		free(buf);
}

static void *syscall_thread(void *arg)
{
	struct linux_target *L = arg;
	/* Calls must not be interrupted by signals meant for the engine. */
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_mutex_lock(&L->mu);
	for (;;) {
		while (!L->have_call && !L->quit)
			pthread_cond_wait(&L->cv, &L->mu);
		if (L->quit)
			break;
		L->have_call = false;
		L->busy = true;
		struct target_call c = L->call;
		pthread_mutex_unlock(&L->mu);

		struct target_result r = {0};
		r.start_ns = mono_ns();
		do_call(&c, &r);
		r.end_ns = mono_ns();

		pthread_mutex_lock(&L->mu);
		L->res = r;
		L->busy = false;
		L->done = true;
		pthread_cond_broadcast(&L->cv);
	}
	pthread_mutex_unlock(&L->mu);
	return NULL;
}

/* Wait (mutex held) until the call is done or the deadline passes. */
static int wait_done(struct linux_target *L, int64_t deadline_ns, struct target_result *res)
{
	struct timespec ts;
	while (!L->done) {
		if (mono_ns() >= deadline_ns)
			return TARGET_PENDING;
		ns_to_abstime(deadline_ns, &ts);
		pthread_cond_timedwait(&L->cv, &L->mu, &ts);
	}
	L->done = false;
	*res = L->res;
	return TARGET_OK;
}

static int linux_call(struct target *t, const struct target_call *c, struct target_result *res)
{
	struct linux_target *L = t->priv;
	if (c->kind == TARGET_CALL_OPEN && !c->path)
		return target_diagf(&t->diag, TARGET_BADARG, "open() without a file name");
	pthread_mutex_lock(&L->mu);
	if (c->nonblocking_expected && L->have_timer && !L->busy && !L->have_call && !L->done) {
		/* direct: no thread hand-off, and nothing left running if it blocks */
		pthread_mutex_unlock(&L->mu);
		int64_t limit = c->block_ns > 0 ? c->block_ns : 1;
		struct itimerspec its = { .it_value = { limit / 1000000000, limit % 1000000000 } };
		memset(res, 0, sizeof *res);
		res->start_ns = mono_ns();
		timer_settime(L->timer, 0, &its, NULL);
		do_call(c, res);
		struct itimerspec off = {0};
		timer_settime(L->timer, 0, &off, NULL);
		res->end_ns = mono_ns();
		if (res->ret < 0 && res->err == EINTR && res->end_ns - res->start_ns >= limit)
			return target_diagf(&t->diag, TARGET_TIMEOUT,
					    "%s() blocked for longer than %lld us",
					    target_call_name(c->kind), (long long)(limit / 1000));
		return TARGET_OK;
	}
	if (L->busy || L->have_call || L->done) {
		pthread_mutex_unlock(&L->mu);
		return target_diagf(&t->diag, TARGET_BADARG,
				    "a call is still in flight; collect it first");
	}
	L->call = *c;
	L->have_call = true;
	pthread_cond_broadcast(&L->cv);
	int rc = wait_done(L, mono_ns() + (c->block_ns > 0 ? c->block_ns : 0), res);
	pthread_mutex_unlock(&L->mu);
	return rc;
}

static int linux_complete(struct target *t, int64_t deadline_ns, struct target_result *res)
{
	struct linux_target *L = t->priv;
	pthread_mutex_lock(&L->mu);
	int rc;
	if (!L->busy && !L->have_call && !L->done)
		rc = target_diagf(&t->diag, TARGET_BADARG, "no call in flight");
	else
		rc = wait_done(L, deadline_ns, res);
	pthread_mutex_unlock(&L->mu);
	return rc;
}

static int linux_tcp_info(struct target *t, int fd, struct target_tcp_info *ti)
{
	struct tcp_info i;
	socklen_t len = sizeof i;
	memset(&i, 0, sizeof i);
	memset(ti, 0, sizeof *ti);
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &i, &len) < 0)
		return target_diagf(&t->diag, TARGET_ERROR, "getsockopt(%d, TCP_INFO): %s", fd,
				    strerror(errno));
#define SET(f, expr)                                            \
	do {                                                    \
		ti->v[TARGET_TI_##f] = (int64_t)(expr);         \
		ti->valid |= 1ull << TARGET_TI_##f;             \
	} while (0)
#define F(f) SET(f, i.tcpi_##f)
	F(state); F(ca_state); F(retransmits); F(probes); F(backoff); F(options);
	F(snd_wscale); F(rcv_wscale); F(rto); F(ato); F(snd_mss); F(rcv_mss);
	F(unacked); F(sacked); F(lost); F(retrans); F(fackets);
	F(last_data_sent); F(last_ack_sent); F(last_data_recv); F(last_ack_recv);
	F(pmtu); F(rcv_ssthresh); F(rtt); F(rttvar); F(snd_ssthresh); F(snd_cwnd);
	F(advmss); F(reordering); F(rcv_rtt); F(rcv_space); F(total_retrans);
	F(pacing_rate); F(max_pacing_rate); F(bytes_acked); F(bytes_received);
	F(segs_out); F(segs_in); F(notsent_bytes); F(min_rtt); F(data_segs_in);
	F(data_segs_out); F(delivery_rate); F(busy_time); F(rwnd_limited);
	F(sndbuf_limited); F(delivered); F(delivered_ce); F(bytes_sent);
	F(bytes_retrans); F(dsack_dups); F(reord_seen); F(rcv_ooopack); F(snd_wnd);
#undef F
#undef SET
	return TARGET_OK;
}

/* /bin/sh -c CMD in a child: it inherits this process's network namespace, so it can
 * only see and change the script's private network. */
static int linux_shell(struct target *t, const char *cmd, int *exit_status)
{
	pid_t pid = fork();
	if (pid < 0)
		return target_diagf(&t->diag, TARGET_ERROR, "fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);       /* the script's process ignores it */
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return target_diagf(&t->diag, TARGET_ERROR, "waitpid: %s", strerror(errno));
	*exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return TARGET_OK;
}

/* Run a program (no shell) in this namespace; its exit status, or -1. */
static int run_prog(char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A congestion control the namespace refuses as its default (only the host's allowed
 * list may be chosen in a child namespace) is put on the routes instead: connections
 * then use it from their first packet, as if the sysctl had been set. */
static int linux_setting(struct target *t, const char *name, const char *value)
{
	if (write_sysctl(name, value) == 0)
		return TARGET_OK;
	int e = errno;
	bool is_cc = strcmp(name, "net.ipv4.tcp_congestion_control") == 0;
	if (is_cc && e == ENOENT) {
		char avail[256] = "?";
		FILE *f = fopen("/proc/sys/net/ipv4/tcp_available_congestion_control", "re");
		if (f) {
			if (fgets(avail, sizeof avail, f))
				avail[strcspn(avail, "\n")] = 0;
			fclose(f);
		}
		return target_diagf(&t->diag, TARGET_UNSUPPORTED,
				    "cannot set %s=%s: this kernel has no congestion control %s "
				    "(tcp_available_congestion_control: %s)", name, value, value,
				    avail);
	}
	if (!is_cc || e != EPERM)
		return target_diagf(&t->diag, TARGET_UNSUPPORTED, "cannot set %s=%s: %s", name,
				    value, strerror(e));
	const struct target_config *cfg = t->cfg;
	char prefix[96], addr[64];
	bool v6 = cfg->local_ip.family == AF_INET6;
	if (v6) {
		struct in6_addr net = cfg->local_ip.u.v6;
		for (int i = cfg->prefix_len; i < 128; i++)
			net.s6_addr[i / 8] &= ~(0x80 >> (i % 8));
		inet_ntop(AF_INET6, &net, addr, sizeof addr);
	} else {
		uint32_t h = ntohl(cfg->local_ip.u.v4.s_addr);
		uint32_t mask = cfg->prefix_len <= 0 ? 0 : ~0u << (32 - cfg->prefix_len);
		struct in_addr net = { htonl(h & mask) };
		inet_ntop(AF_INET, &net, addr, sizeof addr);
	}
	snprintf(prefix, sizeof prefix, "%s/%d", addr, cfg->prefix_len);
	char cc[32];
	snprintf(cc, sizeof cc, "%s", value);
	char *fam = v6 ? "-6" : "-4";
	/* the kernel's own prefix route, replaced in place (IPv6: metric 256) */
	char *a1[] = { "ip", fam, "route", "replace", prefix, "dev", LINUX_TUN_NAME, "proto",
		       "kernel", "metric", v6 ? "256" : "0", "congctl", cc, NULL };
	/* the default route added at open (IPv6: metric 1), replaced in place */
	char *a2[] = { "ip", fam, "route", "replace", "default", "dev", LINUX_TUN_NAME,
		       "metric", v6 ? "1" : "0", "congctl", cc, NULL };
	/* the host route to the remote address, replaced in place keeping what the script
	 * may have put on it (`ip route change REMOTE ... advmss 600`) */
	char remote[64], sh[512];
	if (v6)
		inet_ntop(AF_INET6, &cfg->remote_ip.u.v6, remote, sizeof remote);
	else
		inet_ntop(AF_INET, &cfg->remote_ip.u.v4, remote, sizeof remote);
	snprintf(sh, sizeof sh,
		 "r=$(ip %s route show exact %s/%d | sed -e 's/ congctl [^ ]*//' "
		 "-e 's/ linkdown\\| dead\\| offload\\| trap//g' | head -n 1); "
		 "[ -n \"$r\" ] && ip %s route replace $r congctl %s", fam, remote,
		 v6 ? 128 : 32, fam, cc);
	char *a3[] = { "sh", "-c", sh, NULL };
	if (run_prog(a1) != 0 || run_prog(a2) != 0 || run_prog(a3) != 0)
		return target_diagf(&t->diag, TARGET_UNSUPPORTED,
				    "cannot use congestion control %s in the namespace (not in the "
				    "host's net.ipv4.tcp_allowed_congestion_control, and ip route "
				    "congctl failed)", value);
	return TARGET_OK;
}

const struct target_ops target_linux_ops = {
	.name = "linux",
	.caps = TARGET_NEEDS_ROOT | TARGET_RUNS_SHELL | TARGET_TCP_INFO | TARGET_CMSG | TARGET_IPV6 |
		TARGET_IPV4_MAPPED | TARGET_OWN_PROCESS | TARGET_BLOCKING | TARGET_SETTINGS |
		TARGET_TCP_MD5,
	.open = linux_open,
	.close = linux_close,
	.now = linux_now,
	.inject = linux_inject,
	.next_outbound = linux_next_outbound,
	.call = linux_call,
	.complete = linux_complete,
	.advance = NULL,
	.tcp_info = linux_tcp_info,
	.shell = linux_shell,
	.setting = linux_setting,
	.probe = linux_probe,
	.start = linux_start,
};
