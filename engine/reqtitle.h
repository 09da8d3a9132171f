/* Requirement tags of conformance scripts ("RFC9293:MUST-12", "RFC5681:3.1"): the RFC,
 * the level (MUST, SHOULD, MAY, MUST NOT, SHOULD NOT; "" for a section tag) and a
 * short title (RFC 9293 Appendix B's wording for its requirement IDs, the heading for
 * its sections; "" when not known).  Not public. */
#ifndef TCPSPEC_ENGINE_REQTITLE_H
#define TCPSPEC_ENGINE_REQTITLE_H

#include <stdbool.h>

struct engine_req_info {
	char rfc[24];               /* "RFC 9293", or "other" */
	int rfc_number;             /* 0 for other */
	const char *rfc_title;      /* "TCP Congestion Control", or NULL */
	const char *level;
	const char *group;          /* RFC 9293 Appendix B's group, or NULL */
	const char *title;
};

void engine_req_info(const char *tag, struct engine_req_info *ri);
/* Is TAG an RFC 9293 requirement ID (MUST-n, SHLD-n, REC-n, MAY-n) that Appendix B
 * does not have ("RFC9293:MUST-99")?  Such a tag is a typo: the report keeps it, with
 * no level and the title "not an RFC 9293 requirement ID", and parse and report warn. */
bool engine_req_unknown(const char *tag);
/* 0 MUST / MUST NOT, 1 SHOULD / SHOULD NOT, 2 MAY, 3 none */
int engine_req_level_rank(const char *level);

#endif
