/* engine/: runs one script on one target, and many scripts as parallel jobs.
 *
 * engine_run_script() is the interpreter: it parses nothing itself (dsl/ gives the
 * tree), talks to the stack only through target.h, builds and reads packets only
 * through wire/.  It runs in the calling process; for targets with TARGET_OWN_PROCESS
 * (linux) that must be a process made for the one script -- engine_jobs_run() makes
 * one per script.
 */
#ifndef TCPSPEC_ENGINE_ENGINE_H
#define TCPSPEC_ENGINE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "target-adapters/target.h"

#include "dsl/dsl.h"

/* Verdicts, with the exit code each maps to (DESIGN.md). */
#define ENGINE_VERDICTS(X)                                   \
	X(PASS,        0, "ok")                              \
	X(FAIL,        1, "FAIL")                            \
	X(ERROR,       2, "ERROR")   /* usage or parse error */ \
	X(UNAVAILABLE, 3, "UNAVAILABLE")                     \
	X(SKIP,        4, "SKIP")

enum engine_verdict {
#define ENGINE_VERDICT_ENUM_(name, code, text) ENGINE_##name = code,
	ENGINE_VERDICTS(ENGINE_VERDICT_ENUM_)
#undef ENGINE_VERDICT_ENUM_
};

const char *engine_verdict_name(enum engine_verdict v);   /* "ok", "FAIL", "SKIP" ... */

#define ENGINE_MAX_DEFINES 32
#define ENGINE_MAX_SETTINGS 32
/* The least link MTU each IP version allows (--mtu): every IPv4 module must take a
 * 68-octet datagram unfragmented (RFC 791), every IPv6 link 1280 (RFC 8200 section 5).
 * ipv4-mapped-ipv6 runs are IPv4 on the wire. */
#define ENGINE_MIN_MTU_IPV4 68
#define ENGINE_MIN_MTU_IPV6 1280

/* Script options: option lines of a script and the command line share these names
 * (--tolerance_usecs=...); the command line overrides the file.  has_* says whether a
 * value was given at that level. */
struct engine_opts {
	bool has_tolerance_usecs;   int64_t tolerance_usecs;     /* default 4000 */
	bool has_tolerance_percent; double tolerance_percent;    /* default 12.5 */
	bool has_ts_tick;           int64_t tcp_ts_tick_usecs;   /* 0: TS val unchecked */
	bool has_non_fatal;         bool non_fatal_packet, non_fatal_syscall;
	bool has_ip_version;        int ip_version;              /* enum target_ip_version */
	bool has_mtu;               int mtu;
	bool has_mss;               int mss;
	bool has_local_ip;          char local_ip[64];
	bool has_remote_ip;         char remote_ip[64];
	bool has_gateway_ip;        char gateway_ip[64];
	bool has_bind_port;         int bind_port;
	bool has_connect_port;      int connect_port;
	bool has_prefix_len;        int prefix_len;   /* --netmask_ip=255.255.255.0 */
	bool has_md5_secret;        char md5_secret[81];  /* --tcp_md5_secret (RFC 2385 key) */
	bool udp_encap;             /* --udp_encapsulation=tcp: TCP over UDP (/udp(...)) */
	bool strict_segments;
	unsigned relax;             /* ENGINE_RELAX_* bits (--relax NAME,...) */
	/* --profile: the suite's OS defaults ("NAME=VALUE", NULL-terminated), applied
	 * where the target has the setting (a stack's own choice stands otherwise) */
	const char *const *profile_defaults;
	bool bsd_sockets;           /* --profile freebsd: FreeBSD's socket API where it
				     * differs (TCP_FASTOPEN on a client socket) */
	bool no_content_check;      /* payload and read content unchecked */
	bool allow_empty;           /* --allow_empty: a script with no event is not an error */
	int n_defines;
	char defines[ENGINE_MAX_DEFINES][2][128];   /* NAME, VALUE */
	int verbose;
};

/* Relaxations for suites written for another stack (--relax NAME[,NAME]; "all" is
 * every one).  Each leaves one choice of the stack's unchecked; none ever hides a
 * sequence number, an ACK number, a flag other than PSH (and ACK on a RST line that
 * writes no ack), a segment length or a missing segment.  Semantics:
 * tcpspec-dialect(7), RELAXATIONS. */
#define ENGINE_RELAXATIONS(X)                                                   \
	X(SYN_OPTIONS, 1u << 0, "syn-options")  /* own SYN / SYN-ACK options by RFC */ \
	X(WIN, 1u << 1, "win")                  /* outbound window unchecked */ \
	X(PSH, 1u << 2, "psh")                  /* PSH either way */            \
	X(TS_VAL, 1u << 3, "ts-val")            /* outbound TS val free */ \
	X(SOCKBUF, 1u << 4, "sockbuf")          /* SO_RCVBUF/SO_SNDBUF sizes */ \
	X(RST_ACK, 1u << 5, "rst-ack")          /* ACK bit of a '> R' line free */ \
	X(OPTION_LAYOUT, 1u << 6, "option-layout") /* NOP/EOL padding, option order free */
enum {
#define ENGINE_RELAX_ENUM_(id, bit, text) ENGINE_RELAX_##id = bit,
	ENGINE_RELAXATIONS(ENGINE_RELAX_ENUM_)
#undef ENGINE_RELAX_ENUM_
	ENGINE_RELAX_ALL = (1u << 7) - 1
};
/* "syn-options,psh" -> bits; -1 with the unknown name in msg */
int engine_relax_parse(const char *list, unsigned *bits, char *msg, size_t cap);
/* "syn-options,win" for bits (all names when every bit is set) */
void engine_relax_format(unsigned bits, char *buf, size_t cap);

/* --profile NAME: "freebsd" (FreeBSD's tcp-testsuite); -1 with msg when unknown */
int engine_profile_apply(struct engine_opts *o, const char *name, char *msg, size_t cap);
/* The octets the engine puts in the two byte streams: the one at stream offset off
 * (sequence number - ISN - 1) of the script's peer's data (ENGINE_STREAM_IN) and of
 * what the application writes (ENGINE_STREAM_OUT).  Reads and outbound payloads are
 * checked against them unless --no_content_check. */
#define ENGINE_STREAM_IN 0
#define ENGINE_STREAM_OUT 1
uint8_t engine_stream_byte(int dir, uint32_t off);

/* Apply one option "name" / "value" (value NULL for a bare --name).  Returns 0, or -1
 * with msg filled ("unknown option --frob", "bad value for --mtu: x"). */
int engine_opt_set(struct engine_opts *o, const char *name, const char *value,
		   char *msg, size_t msgcap);
/* The long options of tcpspec's commands (for "did you mean" hints). */
extern const char *const *engine_cli_options;
/* dst gets every field src has set (has_* true), for command line over file. */
void engine_opts_merge(struct engine_opts *dst, const struct engine_opts *src);

/* Parse a script as a run reads it: the grammar, then every system call, symbol,
 * errno name and argument function checked against what the engine knows (an unknown
 * one is an error with a "did you mean" hint; cmdline's --define names count as
 * known; cmdline may be NULL), and at least one event unless --allow_empty.  The same
 * for `tcpspec run` and `tcpspec parse`; a run evaluates #ifdef blocks against the
 * command line's names (evaluate_ifdefs), parse reads every branch as written. */
enum dsl_status engine_parse_script(const char *path, const struct engine_opts *cmdline,
				    bool evaluate_ifdefs, struct dsl_file **out,
				    struct dsl_diags *diags);

/* One run of one script. */
struct engine_run_cfg {
	const char *path;                   /* the .pkt file */
	const struct target_ops *target;
	int ip_version;                     /* 0: the script's, else forced */
	const struct engine_opts *cmdline;  /* overrides the script's option lines */
	const char *pcap_dir;               /* NULL: no capture */
	const char *pcap_name;              /* capture file stem; NULL: the script's name */
	const char *html_dir;               /* NULL: no page; else DIR/runs/STEM.VER.html */
	FILE *log;                          /* failure messages and warnings go here */
	/* When set, the line of the event being run is stored here as the script goes
	 * (0 before the first event), so a run stopped from outside can say where. */
	volatile int *progress_line;
	/* When set, the IP version the run uses, once known (0 before), so a run that
	 * dies is still reported under the right one. */
	volatile int *progress_ip_version;
};

struct engine_result {
	enum engine_verdict verdict;
	int ip_version;                     /* the one used */
	int64_t scripted_ns;                /* the script's own time (last event) */
	int64_t wall_ns;                    /* open to close */
	char message[2048];                 /* failure / skip reason, may hold newlines */
	/* ENGINE_FAIL because the stack departed from the script (a packet, call or code
	 * block that did not match): the one failure an expectation can document.  Not
	 * set for a run stopped by the timeout, a crash, a target that would not open. */
	bool departed;
	/* ENGINE_SKIP because the stack under test lacks what the script needs (it
	 * answered a call, a setting or a shell line with TARGET_UNSUPPORTED, or its
	 * capabilities lack IPv6, TCP MD5, TCP over UDP, a TCP_INFO field), not because
	 * tcpspec lacks a feature: tcpspec report shows the requirement as not verified
	 * for the stack's sake */
	bool stack_lacks;
	/* mismatches --non_fatal let through, each "file:line: warning: ..." (lines
	 * of its own for the packets), separated by ENGINE_WARNING_SEP: the first ones, as
	 * many as fit; n_warnings counts them all */
	int n_warnings;
	char warnings[1024];
	/* The stack's first handshake segment of each kind, for tcpspec report's check
	 * that it offers options alike on every connection (engine/offers.c): [0] its own
	 * SYN, [1] its SYN,ACK; sent: the ENGINE_SYNOPT_* bits it carried, asked: those
	 * of the script's SYN it answered.  shell: a shell line of the script ran (it may
	 * have changed a setting, so its conditions are not the other scripts'). */
	struct engine_offer {
		bool seen;
		unsigned sent, asked;
	} offer[2];
	bool shell;
};

/* Run one script (parse, open the target, play the events, close). */
void engine_run_script(const struct engine_run_cfg *cfg, struct engine_result *res);

/* ---- many scripts ------------------------------------------------------------------ */

enum engine_job_state {
	ENGINE_JOB_NOT_RUN = 0,             /* never started (a run stopped before it) */
	ENGINE_JOB_DONE,                    /* res holds its verdict */
	ENGINE_JOB_INTERRUPTED,             /* stopped by SIGINT/SIGTERM while it ran */
};

struct engine_job {
	const char *path;
	int ip_version;                     /* 0 = the script's own */
	const char *pcap_name;              /* capture file stem (engine_pcap_names) */
	/* the documented reason when the target's expectations list the script, else
	 * NULL (engine_job_status: a failure is then a deviation) */
	const char *expected;
	const struct engine_expectation *expect;    /* the entry itself, or NULL */
	enum engine_job_state state;        /* set by engine_jobs_run */
	struct engine_result res;
};

struct engine_jobs_cfg {
	const struct target_ops *target;
	const struct engine_opts *cmdline;
	const char *pcap_dir;
	const char *html_dir;               /* each run writes its page there (html.h) */
	int jobs;                           /* parallel children (>= 1) */
	/* Wall-clock limit per script in milliseconds: 0 = the script's own default
	 * (engine_default_timeout_ms), negative = none.  A script over it is stopped
	 * (its process and everything it started killed) and fails with the line it
	 * was at. */
	int64_t timeout_ms;
	FILE *out;                          /* one line per script; NULL: quiet */
	bool verbose;
};

#define ENGINE_WARNING_SEP '\x1e'

#define ENGINE_DEFAULT_TIMEOUT_S 120
#define ENGINE_MAX_TIMEOUT_S (7 * 86400)

/* The time of a script's last timed event as the script states it (absolute, relative
 * times added up from the previous event's, a range or a blocking call at its end,
 * '*' adding nothing): how long the script itself says it runs, in nanoseconds. */
int64_t engine_script_span_ns(const struct dsl_file *f);
/* The wall-clock limit of a script run without --timeout: twice its span (so a loaded
 * machine has as long again), never under ENGINE_DEFAULT_TIMEOUT_S; the plain default
 * when the script does not parse (its run says why at once). */
int64_t engine_default_timeout_ms(const char *path, const struct engine_opts *cmdline);

/* Run every job, at most cfg->jobs at a time, never in the calling process.  Targets
 * with TARGET_OWN_PROCESS get a child process per job, in a process group of its
 * own (and a PID namespace when it may start processes: a script with shell lines or
 * code blocks on a target that runs them, so nothing it starts outlives it); other targets run in worker processes
 * that each take job after job, and a worker that crashes or runs over the timeout is
 * replaced (only its job is lost).  Fills jobs[i].res and prints one line per job in
 * order.  Returns 0, or the signal number when interrupted by SIGHUP, SIGINT, SIGTERM,
 * SIGUSR1, SIGUSR2 or SIGALRM (children are killed and reaped first). */
int engine_jobs_run(const struct engine_jobs_cfg *cfg, struct engine_job *jobs, size_t n);
/* For a command that writes results after its runs: from now on those signals only
 * stop the runs (engine_signal_caught says which came first, also one that came
 * while the results were written) and SIGPIPE is ignored (a closed stdout is a
 * write error, found by engine_stream_check). */
void engine_signals_catch(void);
int engine_signal_caught(void);
const char *engine_signal_name(int sig);

/* The line a run prints for a finished job: status, path, IP version, time, then the
 * deviation's reason or the failure message, indented. */
void engine_print_job(FILE *out, const struct engine_job *j);

/* DIR/STEM.VERSION.pcap, the capture of a run (STEM: pcap_name, else the script's
 * name without .pkt).  0, or -1 when out of memory. */
int engine_capture_path(char *buf, size_t cap, const char *dir, const char *pcap_name,
			const char *script, int ip_version);
/* A capture with no packet (the header alone): for a run stopped before it opened
 * its own.  0 or -1. */
int engine_capture_empty(const char *path);

/* Capture file stems for a run's jobs (--pcap): a script's name without .pkt, or, when
 * another script of the run has the same name, as many of its trailing directories as
 * tell them apart, joined with '-' (blind/close.pkt and 3.6-closing/close.pkt become
 * blind-close and 3.6-closing-close), so no capture overwrites another.  Sets
 * jobs[i].pcap_name; engine_pcap_names_free releases them.  Returns -1 when out of
 * memory (names then stay NULL: the plain script names are used). */
int engine_pcap_names(struct engine_job *jobs, size_t n);
void engine_pcap_names_free(struct engine_job *jobs, size_t n);

/* Look a --target up: ENGINE_PASS with *ops set; ENGINE_ERROR when there is no such
 * target (a usage error, msg with a "did you mean" hint); ENGINE_UNAVAILABLE when
 * tcpspec knows the target but this build or machine cannot have it (msg says why). */
enum engine_verdict engine_target_find(const char *spec, const struct target_ops **ops,
				       char *msg, size_t cap);

/* Probe whether the target can run here (in a throwaway child for OWN_PROCESS targets).
 * TARGET_OK, or TARGET_UNAVAILABLE with d saying what is missing. */
int engine_target_probe(const struct target_ops *ops, struct target_diag *d);

/* ---- expectations (expect.c) -------------------------------------------------------- */

/* A target's documented deviations: files of lines "relative/path.pkt  reason" (the
 * path relative to the file; '#' comments).  Shared by tcpspec run and tcpspec report. */
struct engine_expectation {
	char *path;                         /* normalized: the file's directory + path */
	char *real;                         /* its real path (NULL: does not exist) */
	char *reason;
	const char *file;                   /* the file and line that list it */
	int line;
	/* "path.pkt:LINE": the script line the documented failure is at (0: anywhere);
	 * a failure at another line is not excused */
	int pin_line;
	bool used;                          /* a script of the run matched it */
	/* the real directory the file speaks for: its own, or DIR for a target's list
	 * DIR/../TARGET/NAME.expect; the entry whose anchor is nearest the script wins */
	const char *anchor;
	size_t shadow;                      /* 1 + the index of the nearer entry that won */
};

struct engine_expectations {
	struct engine_expectation *v;
	size_t n, cap;
	char **files;                       /* the files read, in order */
	char **anchors;                     /* each file's anchor (NULL: unknown) */
	size_t nfiles;
};

/* Read one file (a file read before is skipped).  A missing file is an error only
 * when must_exist.  Problems are printed as "WHO: ..." or "FILE:LINE: error: ...";
 * returns 0 or -1. */
int engine_expect_load(struct engine_expectations *x, const char *file, bool must_exist,
		       const char *who);
/* The expectation files of target that apply to the scripts named by paths (files or
 * directories as given on the command line): for each directory given, the directory
 * of each file given, and all their parents, DIR/TARGET.expect (a suite's own list,
 * corpora/conformance/linux.expect) and DIR/../TARGET/NAME.expect where NAME is DIR's
 * name (a target's list kept with the target: corpora/lwip/conformance.expect for
 * corpora/conformance). */
int engine_expect_discover(struct engine_expectations *x, const char *target,
			   char *const *paths, size_t npaths, const char *who);
/* The expectation listing script (marked used), or NULL.  When several files list
 * it (a directory's and a subdirectory's), the nearest wins: the entry whose file's
 * anchor is the deepest directory above the script; a tie goes to the file read
 * first.  The others are marked shadowed, for engine_expect_warn_missing. */
const struct engine_expectation *engine_expect_find(struct engine_expectations *x,
						    const char *script);
/* The line of the script a failure message is at ("path.pkt:LINE: ..."), or 0. */
int engine_result_line(const struct engine_result *r);
/* The documented reason that excuses this job's result (j->expected), or NULL when the
 * expectation pins a line and the script failed at another one. */
const char *engine_job_excuse(const struct engine_job *j);
/* Warn, with the entry's FILE:LINE, about listed scripts that no longer exist and
 * entries a nearer file's entry for the same script overrides. */
void engine_expect_warn_missing(const struct engine_expectations *x, const char *target,
				const char *who);
void engine_expect_free(struct engine_expectations *x);
/* Warn, with the entry's FILE:LINE, about each job that passed although listed as a
 * deviation (a stale expectation: its line should go). */
void engine_expect_warn_stale(struct engine_expectations *x, const struct engine_job *jobs,
			      size_t n, const char *target, const char *who);

/* What a job's result means once expectations are applied: the one place where a
 * deviation and a stale expectation are decided, for the run's lines and summary,
 * TAP, JUnit, JSON and tcpspec report. */
enum engine_status {
	ENGINE_ST_PASS = 0,
	ENGINE_ST_STALE,        /* passed, although listed as a deviation: the list is stale */
	ENGINE_ST_DEVIATION,    /* failed as the target's expectations document */
	ENGINE_ST_FAIL,
	ENGINE_ST_ERROR,        /* usage or parse error */
	ENGINE_ST_UNAVAILABLE,
	ENGINE_ST_SKIP,         /* unsupported feature */
	ENGINE_ST_INTERRUPTED,  /* stopped by a signal while running */
	ENGINE_ST_NOT_RUN,      /* never started: the run was stopped first */
	ENGINE_ST_COUNT
};

enum engine_status engine_job_status(const struct engine_job *j);
/* Whether an expectation may turn this result into a documented deviation: only an
 * ordinary failure (res->departed); parse and usage errors, timeouts, crashes,
 * interruptions, unavailable and unsupported runs keep their own status. */
bool engine_result_deviation_ok(const struct engine_result *res);
const char *engine_status_name(enum engine_status s);  /* line tag: "ok", "DEVIATION" ... */
const char *engine_status_word(enum engine_status s);  /* "pass", "deviation" ... */
void engine_status_count(const struct engine_job *jobs, size_t n,
			 size_t count[ENGINE_ST_COUNT]);

/* Warn on stderr ("WHO: warning: -D NAME: ...") about each -D name (NAME, without a
 * value) that none of the files mentions as a whole word. */
void engine_warn_unused_defines(char *const *names, size_t n, char *const *files,
				size_t nfiles, const char *who);

/* ---- reports ----------------------------------------------------------------------- */

/* Make dir and its parents when missing (mkdir -p); errors printed as "WHO: ...".
 * 0 or -1. */
int engine_mkdirs(const char *dir, const char *who);
/* Open path for writing ('-': stdout), making its directory first; NULL (printed). */
FILE *engine_open_out(const char *path, const char *who);
/* Create or empty each of the n files (NULL and '-' skipped), making their
 * directories: before a run, so no earlier results stay and an unwritable file is
 * found early.  0, or -1 printed ("WHO: cannot write FILE: ..."). */
int engine_outs_prepare(const char *const *paths, size_t n, const char *who);
/* A result file being written: a regular file (or a new one) goes to FILE.tmp and is
 * renamed into place by engine_out_end, so a reader never sees half of it; '-' is
 * stdout; a device or pipe is written directly. */
struct engine_out {
	FILE *f;
	const char *path;
	char *tmp;
	char *real;         /* the file a symbolic link names, which is replaced */
	const char *who;
};
/* 0, or -1 printed. */
int engine_out_begin(struct engine_out *o, const char *path, const char *who);
/* Flush, check for any write error, close and rename into place; on an error
 * "WHO: cannot write FILE: REASON" is printed, the .tmp removed and -1 returned. */
int engine_out_end(struct engine_out *o);
/* Flush f and check it for a write error (EPIPE, ENOSPC ...): -1 printed as
 * "WHO: cannot write NAME: REASON". */
int engine_stream_check(FILE *f, const char *name, const char *who);
/* Empties those of the n result files (NULL and '-' skipped) that exist, creating
 * none: for a run that ends before writing them, so no earlier run's results stay. */
void engine_empty_outs(const char *const *paths, size_t n);
/* An output option's value (*slot = val): given twice with another path, it is an
 * error, printed as "WHO: FLAG given twice ...", -1. */
int engine_out_set(const char **slot, const char *flag, const char *val, const char *who);
/* The n output files (flags[i] names paths[i]; NULL: not asked for) must be distinct
 * files, at most one of them '-', and none may be one of the input scripts: else the
 * clash is printed ("WHO: ...") and -1 returned. */
int engine_outs_check(const char *const *flags, const char *const *paths, size_t n,
		      char *const *inputs, size_t ninputs, const char *who);

/* The length (1-4) of the well-formed UTF-8 sequence at p, 0 when p starts none. */
size_t engine_utf8_seq(const unsigned char *p);
/* Cut s to at most max bytes, never inside a character. */
void engine_utf8_cut(char *s, size_t max);
/* s as a JSON string, s as XML text (attribute-safe): always valid UTF-8, each byte
 * that is not part of a well-formed sequence written as U+FFFD. */
void engine_json_str(FILE *f, const char *s);
void engine_xml_text(FILE *f, const char *s);

int engine_write_tap(FILE *f, const struct engine_job *jobs, size_t n);
int engine_write_junit(FILE *f, const struct engine_job *jobs, size_t n, const char *target);
int engine_write_json(FILE *f, const struct engine_job *jobs, size_t n, const char *target);

/* ---- grading by requirement level (tcpspec report) ---------------------------------- */

/* The level a conformance script enforces (its "// level:" header line) or a
 * documented deviation breaks (a "LEVEL:" prefix of its reason): RFC 2119 words. */
enum engine_level {
	ENGINE_LEVEL_NONE = 0,              /* not stated: graded as MUST */
	ENGINE_LEVEL_MUST,
	ENGINE_LEVEL_SHOULD,
	ENGINE_LEVEL_MAY,
	ENGINE_LEVEL_N
};

/* What a report shows for one script on one target. */
enum engine_grade_cell {
	ENGINE_GRADE_PASS = 0,
	ENGINE_GRADE_DEVIATION,             /* explained, or a failure below MUST */
	ENGINE_GRADE_FAIL,                  /* a MUST (or unleveled) failure nothing explains */
	ENGINE_GRADE_SKIP,                  /* unsupported here, target unavailable */
	ENGINE_GRADE_NA,                    /* the stack did not offer an optional feature */
	ENGINE_GRADE_N
};

struct engine_grade {
	enum engine_grade_cell cell;
	enum engine_level level;            /* of the deviation or failure; else the script's */
	bool stale;                         /* an expectation lists it, yet it passed */
};

/* "MUST", "SHOULD", "MAY" (case-insensitive, a whole word) at the start of s, white
 * space skipped; ENGINE_LEVEL_NONE when s starts with none of them.  With a colon
 * right after the word, *rest (if given) points past it and its white space. */
enum engine_level engine_level_parse(const char *s, const char **rest);
const char *engine_level_name(enum engine_level l);      /* "MUST" ..., "none" */
/* The level of a script as a run reads it: its "// level:" line among the comments
 * the parser kept live (not one inside a block comment or an #ifdef branch the run's
 * -D names leave out); ENGINE_LEVEL_NONE without one.  The parser refuses a second
 * live level line, so the first is the only one. */
enum engine_level engine_script_level(const struct dsl_file *f);
const char *engine_grade_name(enum engine_grade_cell c); /* "pass" ... "not applicable" */
/* A skip whose reason says the script does not apply to this stack: the first line,
 * after an optional "FILE:LINE: " prefix, starts with "not applicable:". */
bool engine_reason_not_applicable(const char *msg);
/* Grade one run: its verdict and message, the script's level, and the expectation
 * listing it (NULL if none; its level from a "LEVEL:" prefix of the reason). */
struct engine_grade engine_grade(enum engine_verdict v, const char *msg,
				 enum engine_level script_level, const char *expect_reason);
/* The one classification of a finished run that `run` (engine_job_status, which
 * grades every script as MUST: script_level ENGINE_LEVEL_NONE) and `report` (by the
 * script's level) both use: engine_grade of its verdict, where a failure that did not
 * depart from the script (res->departed false: a timeout, a crash) counts as an error
 * that no expectation or level covers. */
struct engine_grade engine_grade_result(const struct engine_result *res,
					enum engine_level script_level,
					const char *expect_reason);

#endif
