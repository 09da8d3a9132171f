/* Requirement tags ("RFC9293:MUST-12", "RFC5681:3.1") to a level and a short title for
 * reports.  RFC 9293's requirement IDs carry the wording of its Appendix B ("TCP
 * Requirement Summary"), its sections their headings; other RFCs' sections are named
 * by the RFC's title and the section number. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/reqtitle.h"

/* RFC 9293 Appendix B: ID, level, the table's group, the feature as worded there */
static const struct { const char *id, *level, *group, *title; } rfc9293_req[] = {
	{ "MAY-16", "MAY", "PUSH flag", "Aggregate or queue un-pushed data" },
	{ "SHLD-27", "SHOULD", "PUSH flag", "Sender collapse successive PSH bits" },
	{ "MAY-15", "MAY", "PUSH flag", "SEND call can specify PUSH" },
	{ "MUST-60", "MUST NOT", "PUSH flag", "If cannot: sender buffer indefinitely" },
	{ "MUST-61", "MUST", "PUSH flag", "If cannot: PSH last segment" },
	{ "MAY-17", "MAY", "PUSH flag", "Notify receiving ALP of PSH" },
	{ "SHLD-28", "SHOULD", "PUSH flag", "Send max size segment when possible" },
	{ "MUST-1", "MUST", "Window", "Treat as unsigned number" },
	{ "REC-1", "SHOULD", "Window", "Handle as 32-bit number" },
	{ "SHLD-14", "SHOULD NOT", "Window", "Shrink window from right" },
	{ "SHLD-15", "SHOULD NOT", "Window", "Send new data when window shrinks" },
	{ "SHLD-16", "SHOULD", "Window", "Retransmit old unacked data within window" },
	{ "SHLD-17", "SHOULD NOT", "Window", "Time out conn for data past right edge" },
	{ "MUST-34", "MUST", "Window", "Robust against shrinking window" },
	{ "MAY-8", "MAY", "Window", "Receiver's window closed indefinitely" },
	{ "MUST-35", "MUST", "Window", "Use standard probing logic" },
	{ "MUST-36", "MUST", "Window", "Sender probe zero window" },
	{ "SHLD-29", "SHOULD", "Window", "First probe after RTO" },
	{ "SHLD-30", "SHOULD", "Window", "Exponential backoff" },
	{ "MUST-37", "MUST", "Window", "Allow window stay zero indefinitely" },
	{ "MAY-7", "MAY", "Window", "Retransmit old data beyond SND.UNA+SND.WND" },
	{ "MUST-66", "MUST", "Window", "Process RST and URG even with zero window" },
	{ "MUST-30", "MUST", "Urgent Data", "Include support for urgent pointer" },
	{ "MUST-62", "MUST", "Urgent Data", "Pointer indicates first non-urgent octet" },
	{ "MUST-31", "MUST", "Urgent Data", "Arbitrary length urgent data sequence" },
	{ "MUST-32", "MUST", "Urgent Data", "Inform ALP asynchronously of urgent data" },
	{ "MUST-33", "MUST", "Urgent Data", "ALP can learn if/how much urgent data Q'd" },
	{ "SHLD-13", "SHOULD NOT", "Urgent Data", "ALP employ the urgent mechanism" },
	{ "MUST-4", "MUST", "TCP Options", "Support the mandatory option set" },
	{ "MUST-5", "MUST", "TCP Options", "Receive TCP Option in any segment" },
	{ "MUST-6", "MUST", "TCP Options", "Ignore unsupported options" },
	{ "MUST-68", "MUST", "TCP Options", "Include length for all options except EOL+NOP" },
	{ "MUST-7", "MUST", "TCP Options", "Cope with illegal option length" },
	{ "MUST-64", "MUST", "TCP Options", "Process options regardless of word alignment" },
	{ "MUST-14", "MUST", "TCP Options", "Implement sending & receiving MSS Option" },
	{ "SHLD-5", "SHOULD", "TCP Options", "IPv4 Send MSS Option unless 536; IPv6 Send MSS Option unless 1220" },
	{ "MAY-3", "MAY", "TCP Options", "Send MSS Option always" },
	{ "MUST-15", "MUST", "TCP Options", "IPv4 Send-MSS default is 536; IPv6 Send-MSS default is 1220" },
	{ "MUST-16", "MUST", "TCP Options", "Calculate effective send seg size" },
	{ "SHLD-6", "SHOULD", "TCP Options", "MSS accounts for varying MTU" },
	{ "MUST-65", "MUST NOT", "TCP Options", "MSS not sent on non-SYN segments" },
	{ "MUST-67", "MUST", "TCP Options", "MSS value based on MMS_R" },
	{ "MUST-69", "MUST", "TCP Options", "Pad with zero" },
	{ "MUST-2", "MUST", "TCP Checksums", "Sender compute checksum" },
	{ "MUST-3", "MUST", "TCP Checksums", "Receiver check checksum" },
	{ "MUST-8", "MUST", "ISN Selection", "Include a clock-driven ISN generator component" },
	{ "SHLD-1", "SHOULD", "ISN Selection", "Secure ISN generator with a PRF component" },
	{ "MUST-9", "MUST NOT", "ISN Selection", "PRF computable from outside the host" },
	{ "MUST-10", "MUST", "Opening Connections", "Support simultaneous open attempts" },
	{ "MUST-11", "MUST", "Opening Connections", "SYN-RECEIVED remembers last state" },
	{ "MUST-41", "MUST NOT", "Opening Connections", "Passive OPEN call interfere with others" },
	{ "MUST-42", "MUST", "Opening Connections", "Function: simultaneously LISTENs for same port" },
	{ "MUST-44", "MUST", "Opening Connections", "Ask IP for src address for SYN if necessary" },
	{ "MUST-45", "MUST", "Opening Connections", "Otherwise, use local addr of connection" },
	{ "MUST-46", "MUST NOT", "Opening Connections", "OPEN to broadcast/ multicast IP address; Reject OPEN call to invalid IP address" },
	{ "MUST-57", "MUST", "Opening Connections", "Silently discard seg to bcast/mcast addr; Silently discard SYN to bcast/mcast addr" },
	{ "SHLD-2", "SHOULD", "Closing Connections", "RST can contain data" },
	{ "MUST-12", "MUST", "Closing Connections", "Inform application of aborted conn" },
	{ "MAY-1", "MAY", "Closing Connections", "Half-duplex close connections" },
	{ "SHLD-3", "SHOULD", "Closing Connections", "Send RST to indicate data lost" },
	{ "MUST-13", "MUST", "Closing Connections", "In TIME-WAIT state for 2MSL seconds" },
	{ "MAY-2", "MAY", "Closing Connections", "Accept SYN from TIME- WAIT state" },
	{ "SHLD-4", "SHOULD", "Closing Connections", "Use Timestamps to reduce TIME-WAIT" },
	{ "MUST-19", "MUST", "Retransmissions", "Implement exponential backoff, slow start, and congestion avoidance" },
	{ "MAY-4", "MAY", "Retransmissions", "Retransmit with same IP identity" },
	{ "MUST-18", "MUST", "Retransmissions", "Karn's algorithm" },
	{ "MUST-58", "MUST", "Generating ACKs", "Aggregate whenever possible" },
	{ "SHLD-31", "SHOULD", "Generating ACKs", "Queue out-of- order segments" },
	{ "MUST-59", "MUST", "Generating ACKs", "Process all Q'd before send ACK" },
	{ "MAY-13", "MAY", "Generating ACKs", "Send ACK for out-of-order segment" },
	{ "SHLD-18", "SHOULD", "Generating ACKs", "Delayed ACKs" },
	{ "MUST-40", "MUST", "Generating ACKs", "Delay < 0.5 seconds" },
	{ "SHLD-19", "SHOULD", "Generating ACKs", "Every 2nd full-sized segment or 2*RMSS ACK'd" },
	{ "MUST-39", "MUST", "Generating ACKs", "Receiver SWS- Avoidance Algorithm" },
	{ "MUST-49", "MUST", "Sending Data", "Configurable TTL" },
	{ "MUST-38", "MUST", "Sending Data", "Sender SWS- Avoidance Algorithm" },
	{ "SHLD-7", "SHOULD", "Sending Data", "Nagle algorithm" },
	{ "MUST-17", "MUST", "Sending Data", "Application can disable Nagle algorithm" },
	{ "MUST-20", "MUST", "Connection Failures", "Negative advice to IP on R1 retransmissions; Close connection on R2 retransmissions" },
	{ "MUST-21", "MUST", "Connection Failures", "ALP can set R2" },
	{ "SHLD-9", "SHOULD", "Connection Failures", "Inform ALP of R1<=retxs<R2" },
	{ "SHLD-10", "SHOULD", "Connection Failures", "Recommended value for R1" },
	{ "SHLD-11", "SHOULD", "Connection Failures", "Recommended value for R2" },
	{ "MUST-22", "MUST", "Connection Failures", "Same mechanism for SYNs" },
	{ "MUST-23", "MUST", "Connection Failures", "R2 at least 3 minutes for SYN" },
	{ "MAY-5", "SHOULD", "Send Keep-alive Packets", "Send Keep-alive Packets:" },
	{ "MUST-24", "MUST", "Send Keep-alive Packets", "Application can request" },
	{ "MUST-25", "MUST", "Send Keep-alive Packets", "Default is \"off\"" },
	{ "MUST-26", "MUST", "Send Keep-alive Packets", "Only send if idle for interval" },
	{ "MUST-27", "MUST", "Send Keep-alive Packets", "Interval configurable" },
	{ "MUST-28", "MUST", "Send Keep-alive Packets", "Default at least 2 hrs." },
	{ "MUST-29", "MUST", "Send Keep-alive Packets", "Tolerant of lost ACKs" },
	{ "SHLD-12", "SHOULD", "Send Keep-alive Packets", "Send with no data" },
	{ "MAY-6", "MAY", "Send Keep-alive Packets", "Configurable to send garbage octet" },
	{ "MUST-50", "MUST", "IP Options", "Ignore options TCP doesn't understand" },
	{ "MAY-10", "SHOULD", "IP Options", "Timestamp support" },
	{ "MAY-11", "SHOULD", "IP Options", "Record Route support Source Route:" },
	{ "MUST-51", "MUST", "IP Options", "ALP can specify" },
	{ "MUST-52", "MUST", "IP Options", "Overrides src route in datagram" },
	{ "MUST-53", "MUST", "IP Options", "Build return route from src route" },
	{ "SHLD-24", "SHOULD", "IP Options", "Later src route overrides" },
	{ "MUST-54", "MUST", "Receiving ICMP Messages from IP", "Receiving ICMP messages from IP" },
	{ "SHLD-25", "MUST", "Receiving ICMP Messages from IP", "Dest Unreach (0,1,5) => inform ALP" },
	{ "MUST-56", "MUST NOT", "Receiving ICMP Messages from IP", "Abort on Dest Unreach (0,1,5); Abort on Time Exceeded; Abort on Param Problem" },
	{ "SHLD-26", "SHOULD", "Receiving ICMP Messages from IP", "Dest Unreach (2-4) => abort conn" },
	{ "MUST-55", "MUST", "Receiving ICMP Messages from IP", "Source Quench => silent discard" },
	{ "MUST-63", "MUST", "Address Validation", "Reject SYN from invalid IP address" },
	{ "MUST-47", "MUST", "TCP/ALP Interface Services", "Error Report mechanism" },
	{ "SHLD-20", "SHOULD", "TCP/ALP Interface Services", "ALP can disable Error Report Routine" },
	{ "MUST-48", "MUST", "TCP/ALP Interface Services", "ALP can specify Diffserv field for sending" },
	{ "SHLD-22", "SHOULD", "TCP/ALP Interface Services", "Passed unchanged to IP" },
	{ "SHLD-21", "SHOULD", "TCP/ALP Interface Services", "ALP can change Diffserv field during connection" },
	{ "SHLD-23", "SHOULD NOT", "TCP/ALP Interface Services", "ALP generally changing Diffserv during conn." },
	{ "MAY-9", "MAY", "TCP/ALP Interface Services", "Pass received Diffserv field up to ALP" },
	{ "MAY-14", "MAY", "TCP/ALP Interface Services", "FLUSH call" },
	{ "MUST-43", "MUST", "TCP/ALP Interface Services", "Optional local IP addr param in OPEN" },
	{ "MAY-12", "MAY", "RFC 5961 Support", "Implement data injection protection" },
	{ "SHLD-8", "SHOULD", "Explicit Congestion Notification", "Support ECN" },
	{ "MAY-18", "MAY", "Alternative Congestion Control", "Implement alternative conformant algorithm(s)" },
};

/* RFC 9293 section headings */
static const struct { const char *sec, *title; } rfc9293_sec[] = {
	{ "3.1", "Header Format" },
	{ "3.2", "Specific Option Definitions" },
	{ "3.2.1", "Other Common Options" },
	{ "3.2.2", "Experimental TCP Options" },
	{ "3.3", "TCP Terminology Overview" },
	{ "3.3.1", "Key Connection State Variables" },
	{ "3.3.2", "State Machine Overview" },
	{ "3.4", "Sequence Numbers" },
	{ "3.4.1", "Initial Sequence Number Selection" },
	{ "3.4.2", "Knowing When to Keep Quiet" },
	{ "3.4.3", "The TCP Quiet Time Concept" },
	{ "3.5", "Establishing a Connection" },
	{ "3.5.1", "Half-Open Connections and Other Anomalies" },
	{ "3.5.2", "Reset Generation" },
	{ "3.5.3", "Reset Processing" },
	{ "3.6", "Closing a Connection" },
	{ "3.6.1", "Half-Closed Connections" },
	{ "3.7", "Segmentation" },
	{ "3.7.1", "Maximum Segment Size Option" },
	{ "3.7.2", "Path MTU Discovery" },
	{ "3.7.3", "Interfaces with Variable MTU Values" },
	{ "3.7.4", "Nagle Algorithm" },
	{ "3.7.5", "IPv6 Jumbograms" },
	{ "3.8", "Data Communication" },
	{ "3.8.1", "Retransmission Timeout" },
	{ "3.8.2", "TCP Congestion Control" },
	{ "3.8.3", "TCP Connection Failures" },
	{ "3.8.4", "TCP Keep-Alives" },
	{ "3.8.5", "The Communication of Urgent Information" },
	{ "3.8.6", "Managing the Window" },
	{ "3.8.6.1", "Zero-Window Probing" },
	{ "3.8.6.2", "Silly Window Syndrome Avoidance" },
	{ "3.8.6.2.1", "Sender's Algorithm -- When to Send Data" },
	{ "3.8.6.2.2", "Receiver's Algorithm -- When to Send a Window Update" },
	{ "3.8.6.3", "Delayed Acknowledgments -- When to Send an ACK Segment" },
	{ "3.9", "Interfaces" },
	{ "3.9.1", "User/TCP Interface" },
	{ "3.9.1.1", "Open" },
	{ "3.9.1.2", "Send" },
	{ "3.9.1.3", "Receive" },
	{ "3.9.1.4", "Close" },
	{ "3.9.1.5", "Status" },
	{ "3.9.1.6", "Abort" },
	{ "3.9.1.7", "Flush" },
	{ "3.9.1.8", "Asynchronous Reports" },
	{ "3.9.1.9", "Set Differentiated Services Field (IPv4 TOS or IPv6 Traffic Class)" },
	{ "3.9.2", "TCP/Lower-Level Interface" },
	{ "3.9.2.1", "Source Routing" },
	{ "3.9.2.2", "ICMP Messages" },
	{ "3.9.2.3", "Source Address Validation" },
	{ "3.10", "Event Processing" },
	{ "3.10.1", "OPEN Call" },
	{ "3.10.2", "SEND Call" },
	{ "3.10.3", "RECEIVE Call" },
	{ "3.10.4", "CLOSE Call" },
	{ "3.10.5", "ABORT Call" },
	{ "3.10.6", "STATUS Call" },
	{ "3.10.7", "SEGMENT ARRIVES" },
	{ "3.10.7.1", "CLOSED STATE" },
	{ "3.10.7.2", "LISTEN STATE" },
	{ "3.10.7.3", "SYN-SENT STATE" },
	{ "3.10.7.4", "Other States" },
	{ "3.10.8", "Timeouts" },
};

static const struct { int rfc; const char *title; } rfc_titles[] = {
	{ 793, "Transmission Control Protocol" },
	{ 1122, "Requirements for Internet Hosts -- Communication Layers" },
	{ 1191, "Path MTU Discovery" },
	{ 1337, "TIME-WAIT Assassination Hazards in TCP" },
	{ 2018, "TCP Selective Acknowledgment Options" },
	{ 2883, "An Extension to the SACK Option for TCP (D-SACK)" },
	{ 3042, "Enhancing TCP's Loss Recovery Using Limited Transmit" },
	{ 3168, "The Addition of Explicit Congestion Notification (ECN) to IP" },
	{ 3390, "Increasing TCP's Initial Window" },
	{ 4443, "Internet Control Message Protocol (ICMPv6) for the Internet Protocol Version 6 (IPv6) Specification" },
	{ 5482, "TCP User Timeout Option" },
	{ 5681, "TCP Congestion Control" },
	{ 5682, "Forward RTO-Recovery (F-RTO): An Algorithm for Detecting Spurious Retransmission Timeouts with TCP" },
	{ 5927, "ICMP Attacks against TCP" },
	{ 5961, "Improving TCP's Robustness to Blind In-Window Attacks" },
	{ 6093, "On the Implementation of the TCP Urgent Mechanism" },
	{ 6191, "Reducing the TIME-WAIT State Using TCP Timestamps" },
	{ 6298, "Computing TCP's Retransmission Timer" },
	{ 6528, "Defending against Sequence Number Attacks" },
	{ 6582, "The NewReno Modification to TCP's Fast Recovery Algorithm" },
	{ 6675, "A Conservative Loss Recovery Algorithm Based on SACK for TCP" },
	{ 6951, "UDP Encapsulation of Stream Control Transmission Protocol (SCTP) Packets for End-Host to End-Host Communication" },
	{ 7323, "TCP Extensions for High Performance" },
	{ 7413, "TCP Fast Open" },
	{ 8201, "Path MTU Discovery for IP version 6" },
	{ 9293, "Transmission Control Protocol (TCP)" },
};

void engine_req_info(const char *tag, struct engine_req_info *ri)
{
	memset(ri, 0, sizeof *ri);
	ri->level = "";
	ri->title = "";
	snprintf(ri->rfc, sizeof ri->rfc, "other");
	if (strncasecmp(tag, "RFC", 3) != 0)
		return;
	char *end;
	long n = strtol(tag + 3, &end, 10);
	if (end == tag + 3 || n <= 0)
		return;
	snprintf(ri->rfc, sizeof ri->rfc, "RFC %ld", n);
	ri->rfc_number = (int)n;
	const char *what = *end == ':' ? end + 1 : "";
	for (size_t i = 0; i < sizeof rfc_titles / sizeof rfc_titles[0]; i++)
		if (rfc_titles[i].rfc == n)
			ri->rfc_title = rfc_titles[i].title;
	if (!strncmp(what, "MUST-", 5))
		ri->level = "MUST";
	else if (!strncmp(what, "SHLD-", 5) || !strncmp(what, "REC-", 4))
		ri->level = "SHOULD";
	else if (!strncmp(what, "MAY-", 4))
		ri->level = "MAY";
	if (n == 9293) {
		for (size_t i = 0; i < sizeof rfc9293_req / sizeof rfc9293_req[0]; i++)
			if (!strcmp(rfc9293_req[i].id, what)) {
				ri->level = rfc9293_req[i].level;   /* "MUST NOT" where it is */
				ri->title = rfc9293_req[i].title;
				ri->group = rfc9293_req[i].group;
				return;
			}
		if (*ri->level) {
			/* MUST-99: no such ID in Appendix B (engine_req_unknown), so no
			 * level either: a typo is not graded as a MUST */
			ri->level = "";
			ri->title = "not an RFC 9293 requirement ID";
			return;
		}
		for (size_t i = 0; i < sizeof rfc9293_sec / sizeof rfc9293_sec[0]; i++)
			if (!strcmp(rfc9293_sec[i].sec, what)) {
				ri->title = rfc9293_sec[i].title;
				return;
			}
	}
}

bool engine_req_unknown(const char *tag)
{
	struct engine_req_info ri;
	engine_req_info(tag, &ri);
	if (ri.rfc_number != 9293 || ri.group)
		return false;
	const char *what = strchr(tag, ':');
	what = what ? what + 1 : "";
	return !strncmp(what, "MUST-", 5) || !strncmp(what, "SHLD-", 5) ||
	       !strncmp(what, "REC-", 4) || !strncmp(what, "MAY-", 4);
}

/* The rank of a level for ordering: MUST first. */
int engine_req_level_rank(const char *level)
{
	if (!strncmp(level, "MUST", 4))
		return 0;
	if (!strncmp(level, "SHOULD", 6))
		return 1;
	if (!strncmp(level, "MAY", 3))
		return 2;
	return 3;
}
