/* refstack/state.c: names for states, outcomes and reasons. */
#include "refstack/ref_int.h"

const char *const ref_state_names[REF_NSTATES] = {
	[REF_CLOSED] = "CLOSED",             [REF_LISTEN] = "LISTEN",
	[REF_SYN_SENT] = "SYN-SENT",         [REF_SYN_RECEIVED] = "SYN-RECEIVED",
	[REF_ESTABLISHED] = "ESTABLISHED",   [REF_CLOSE_WAIT] = "CLOSE-WAIT",
	[REF_FIN_WAIT_1] = "FIN-WAIT-1",     [REF_CLOSING] = "CLOSING",
	[REF_LAST_ACK] = "LAST-ACK",         [REF_FIN_WAIT_2] = "FIN-WAIT-2",
	[REF_TIME_WAIT] = "TIME-WAIT",
};

const char *ref_state_name(int s)
{
	return s >= 0 && s < REF_NSTATES ? ref_state_names[s] : "?";
}

/* Linux include/net/tcp_states.h numbering, as tcpi_state reports it. */
int ref_state_linux(int s)
{
	static const int map[REF_NSTATES] = {
		[REF_CLOSED] = 7, [REF_LISTEN] = 10, [REF_SYN_SENT] = 2,
		[REF_SYN_RECEIVED] = 3, [REF_ESTABLISHED] = 1, [REF_CLOSE_WAIT] = 8,
		[REF_FIN_WAIT_1] = 4, [REF_CLOSING] = 11, [REF_LAST_ACK] = 9,
		[REF_FIN_WAIT_2] = 5, [REF_TIME_WAIT] = 6,
	};
	return s >= 0 && s < REF_NSTATES ? map[s] : 0;
}

static const char *const reason_texts[] = {
#define X(name, text) text,
	REF_REASONS(X)
#undef X
};
static const char *const reason_names[] = {
#define X(name, text) #name,
	REF_REASONS(X)
#undef X
};

const char *ref_reason_text(enum ref_reason r)
{
	return (unsigned)r < REF_NREASONS ? reason_texts[r] : "?";
}

const char *ref_reason_name(enum ref_reason r)
{
	return (unsigned)r < REF_NREASONS ? reason_names[r] : "?";
}

const char *ref_outcome_name(enum ref_outcome o)
{
	static const char *const names[REF_NOUTCOMES] = {
		"accept", "drop", "drop-and-ACK", "drop-and-RST",
	};
	return (unsigned)o < REF_NOUTCOMES ? names[o] : "?";
}
