/* Options offered on some connections and not on others.
 *
 * A script that needs SACK, window scaling or timestamps is "not applicable" when the
 * stack's handshake segment did not offer it (engine/tcpopt.c): RFC 2018 and RFC 7323
 * leave a stack free not to implement them.  A stack that offers one in some scripts
 * and leaves it out in others under the same conditions (the same kind of handshake
 * segment, the script's SYN asking for the same options, no shell line that could
 * have changed a setting) has not chosen not to implement it: something drops options
 * on some connections (SYN cookies once a SYN queue is full, a bug in the stack or in
 * its plugin), and the "not applicable" verdicts would hide it.  tcpspec report
 * finds these gaps and warns about them. */
#include <stdio.h>
#include <string.h>

#include "engine/engine_int.h"
#include "engine/offers.h"

static const struct {
	unsigned bit;
	const char *name;
} features[] = {
	{ ENGINE_SYNOPT_SACK_PERM, "SACK" },
	{ ENGINE_SYNOPT_WSCALE, "window scaling" },
	{ ENGINE_SYNOPT_TS, "timestamps" },
};

void engine_note_offer(struct engine_ctx *x)
{
	int k = x->c.stack_syn_ack;
	struct engine_offer *o = &x->res->offer[k];
	if (o->seen)
		return;
	o->seen = true;
	o->sent = x->c.stack_syn_opts;
	o->asked = k && x->c.have_peer_syn ? x->c.peer_syn_opts : 0;
}

/* The job's offer on segment k, when it can be compared with others': a run that
 * finished, without a shell line, whose stack sent that segment. */
static const struct engine_offer *comparable(const struct engine_job *j, int k)
{
	if (j->state != ENGINE_JOB_DONE || j->res.shell || !j->res.offer[k].seen)
		return NULL;
	return &j->res.offer[k];
}

static bool says_not_offered(const struct engine_job *j, const char *feature)
{
	char tag[64];
	snprintf(tag, sizeof tag, "not applicable: the stack did not offer %s", feature);
	const char *m = strstr(j->res.message, tag);
	return j->res.verdict == ENGINE_SKIP && m && strcspn(j->res.message, "\n") >
						   (size_t)(m - j->res.message);
}

size_t engine_offer_gaps(const struct engine_job *jobs, size_t n, struct engine_offer_gap *g,
			 size_t cap)
{
	size_t ng = 0;
	for (size_t f = 0; f < sizeof features / sizeof features[0]; f++) {
		unsigned bit = features[f].bit;
		struct engine_offer_gap on = { .feature = features[f].name, .bit = bit,
					       .first_offered = n };
		struct engine_offer_gap off[2];
		for (int k = 0; k < 2; k++)
			off[k] = (struct engine_offer_gap){ .feature = features[f].name, .bit = bit,
							    .segment = k, .first_withheld = n };
		for (size_t i = 0; i < n; i++) {
			bool na = says_not_offered(&jobs[i], features[f].name);
			for (int k = 0; k < 2; k++) {
				const struct engine_offer *o = comparable(&jobs[i], k);
				/* a SYN,ACK may offer it only when the script's SYN did */
				if (!o || (k && !(o->asked & bit)))
					continue;
				if (o->sent & bit) {
					on.segments |= 1u << k;
					if (!on.offered++)
						on.first_offered = i;
					continue;
				}
				struct engine_offer_gap *w = &off[k];
				w->withheld++;
				w->not_applicable += na;
				if (w->first_withheld == n ||
				    (na && !says_not_offered(&jobs[w->first_withheld], w->feature)))
					w->first_withheld = i;
			}
		}
		for (int k = 0; k < 2 && on.offered; k++)
			if (off[k].withheld && ng < cap) {
				g[ng] = off[k];
				g[ng].offered = on.offered;
				g[ng].segments = on.segments;
				g[ng].first_offered = on.first_offered;
				ng++;
			}
	}
	/* most hidden verdicts first */
	for (size_t a = 1; a < ng; a++)
		for (size_t b = a; b > 0 && g[b].not_applicable > g[b - 1].not_applicable; b--) {
			struct engine_offer_gap t = g[b];
			g[b] = g[b - 1];
			g[b - 1] = t;
		}
	return ng;
}

const struct engine_offer_gap *engine_offer_suspect(const struct engine_job *j,
						    const struct engine_offer_gap *g, size_t ng)
{
	for (size_t q = 0; q < ng; q++) {
		const struct engine_offer *o = comparable(j, g[q].segment);
		if (o && !(o->sent & g[q].bit) && (!g[q].segment || (o->asked & g[q].bit)) &&
		    says_not_offered(j, g[q].feature))
			return &g[q];
	}
	return NULL;
}

void engine_offer_gap_text(char *buf, size_t cap, const struct engine_offer_gap *g,
			   const struct engine_job *jobs)
{
	static const char *const in[] = { "", "its SYN", "its SYN,ACK", "its SYN and SYN,ACK" };
	snprintf(buf, cap, "%s offered in %zu script%s (in %s, e.g. %s) but left out of its "
		 "%s in %zu%s (%zu of them \"not applicable\", e.g. %s)", g->feature, g->offered,
		 g->offered == 1 ? "" : "s", in[g->segments & 3], jobs[g->first_offered].path,
		 g->segment ? "SYN,ACK" : "SYN", g->withheld,
		 g->segment ? " where the script's SYN offered it" : "", g->not_applicable,
		 jobs[g->first_withheld].path);
}
