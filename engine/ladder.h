/* Ladder diagrams: a TCP exchange drawn as inline SVG, the stack under test on the left,
 * the peer (the script, or the capture's other host) on the right, time flowing down.
 * Used by the run pages of the HTML site and by tcpspec decode --svg.  Not public.
 *
 * Time scale: every event gets a row of its own, and the gap to the previous event adds
 * space growing with the logarithm of its length, so packets sent in the same
 * microsecond stay readable apart and a 60-second backoff does not take a screen. */
#ifndef TCPSPEC_ENGINE_LADDER_H
#define TCPSPEC_ENGINE_LADDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum ladder_kind {
	LADDER_PACKET,      /* an arrow: label in script syntax */
	LADDER_EXPECTED,    /* the script's packet beside an actual one it differs from, or
			       one that never came (dashed, beside the stack's arrow) */
	LADDER_CALL,        /* a socket call and its result, on the stack's side */
	LADDER_STATE,       /* a TCP state the stack reported */
	LADDER_NOTE,        /* anything else on the stack's side (shell line, code block) */
};

struct ladder_event {
	enum ladder_kind kind;
	int64_t t_ns;               /* since the start */
	bool from_stack;            /* packets: sent by the stack under test */
	bool bad;                   /* where the run failed: drawn in red */
	int line;                   /* script line, 0 none */
	char *label;
	unsigned diff;              /* PACKET/EXPECTED: LADDER_D_* fields to highlight */
};

/* Fields of a packet label, for highlighting what differs. */
#define LADDER_D_FLAGS  0x001
#define LADDER_D_SEQ    0x002   /* seq:end(len) */
#define LADDER_D_ACK    0x004
#define LADDER_D_WIN    0x008
#define LADDER_D_OPTS   0x010   /* <...> */
#define LADDER_D_URG    0x020
#define LADDER_D_ECN    0x040   /* [ce] */
#define LADDER_D_IP     0x080   /* (tos ..., ttl ...) */
#define LADDER_D_ALL    0x100   /* another packet altogether (protocol, port) */
#define LADDER_D_TIME   0x200   /* right packet, wrong time */

/* The fields a failure message names as differing ("flags: expected S. but got R.;
 * win: ..." -> FLAGS|WIN), 0 when none. */
unsigned ladder_diff_fields(const char *message);

struct ladder {
	const char *left, *right;   /* column titles */
	struct ladder_event *ev;
	size_t n, cap;
	size_t dropped;             /* events past LADDER_MAX_EVENTS */
};

#define LADDER_MAX_EVENTS 4000

/* Append an event (label is copied).  0, or -1 when out of memory (or past
 * LADDER_MAX_EVENTS: counted in dropped). */
int ladder_add(struct ladder *l, enum ladder_kind kind, int64_t t_ns, bool from_stack,
	       int line, bool bad, const char *label, unsigned diff);
void ladder_free(struct ladder *l);

/* The <svg> element, standalone-valid XML (an xmlns, everything escaped).  Each arrow
 * of a packet is a <g class="pkt out|in"> holding its label as <text>; expected
 * packets are <g class="exp">.  line_href, when not NULL, is a format with one %d
 * making a link of an event's script line ("#L%d"). */
void ladder_svg(FILE *f, const struct ladder *l, const char *line_href);

/* Text for HTML and XML: & < > " ' escaped; control characters but tab and newline
 * become '?'; invalid UTF-8 bytes become '?' too, so the output is always well-formed. */
void html_esc(FILE *f, const char *s);
void html_escn(FILE *f, const char *s, size_t n);
/* A relative URL path: bytes other than letters, digits and "-._~/" as %XX (so names
 * with '#', '?', '%' or spaces still link to their file); safe in an attribute. */
void html_url(FILE *f, const char *s);

#endif
