/* refstack/tcpinfo.c: TCP_INFO as bytes, in the layout of Linux's struct tcp_info.
 *
 * getsockopt(fd, IPPROTO_TCP, TCP_INFO, buf, &len) copies min(len, sizeof(struct
 * tcp_info)) bytes and sets len to that (Linux do_tcp_getsockopt()).  This file is the
 * only one that includes <linux/tcp.h>: its struct tcphdr clashes with
 * <netinet/tcp.h>, which socket.c needs for the option names. */
#include <string.h>
#include <linux/tcp.h>

#include "refstack/ref_int.h"

int ref_tcp_info_bytes(const struct ref_tcp_info *ti, void *buf, unsigned *len)
{
	struct tcp_info li;
	if (!buf || !len)
		return -14;     /* EFAULT */
	memset(&li, 0, sizeof li);
	li.tcpi_state = ti->state;
	li.tcpi_ca_state = ti->ca_state;
	li.tcpi_retransmits = ti->retransmits;
	li.tcpi_probes = ti->probes;
	li.tcpi_backoff = ti->backoff;
	li.tcpi_options = ti->options;
	li.tcpi_snd_wscale = ti->snd_wscale & 15;
	li.tcpi_rcv_wscale = ti->rcv_wscale & 15;
	li.tcpi_rto = ti->rto;
	li.tcpi_ato = ti->ato;
	li.tcpi_snd_mss = ti->snd_mss;
	li.tcpi_rcv_mss = ti->rcv_mss;
	li.tcpi_unacked = ti->unacked;
	li.tcpi_sacked = ti->sacked;
	li.tcpi_lost = ti->lost;
	li.tcpi_retrans = ti->retrans;
	li.tcpi_last_data_sent = ti->last_data_sent;
	li.tcpi_last_data_recv = ti->last_data_recv;
	li.tcpi_last_ack_recv = ti->last_ack_recv;
	li.tcpi_pmtu = ti->pmtu;
	li.tcpi_rcv_ssthresh = ti->rcv_ssthresh;
	li.tcpi_rtt = ti->rtt;
	li.tcpi_rttvar = ti->rttvar;
	li.tcpi_snd_ssthresh = ti->snd_ssthresh;
	li.tcpi_snd_cwnd = ti->snd_cwnd;
	li.tcpi_advmss = ti->advmss;
	li.tcpi_reordering = ti->reordering;
	li.tcpi_rcv_space = ti->rcv_space;
	li.tcpi_total_retrans = ti->total_retrans;
	li.tcpi_bytes_acked = ti->bytes_acked;
	li.tcpi_bytes_received = ti->bytes_received;
	li.tcpi_segs_out = ti->segs_out;
	li.tcpi_segs_in = ti->segs_in;
	li.tcpi_notsent_bytes = ti->notsent_bytes;
	li.tcpi_min_rtt = ti->min_rtt;
	li.tcpi_data_segs_in = ti->data_segs_in;
	li.tcpi_data_segs_out = ti->data_segs_out;
	li.tcpi_delivered_ce = ti->delivered_ce;
	li.tcpi_bytes_sent = ti->bytes_sent;
	li.tcpi_bytes_retrans = ti->bytes_retrans;
	li.tcpi_dsack_dups = ti->dsack_dups;
	li.tcpi_snd_wnd = ti->snd_wnd;
	unsigned n = *len < sizeof li ? *len : (unsigned)sizeof li;
	memcpy(buf, &li, n);
	*len = n;
	return 0;
}

unsigned ref_tcp_info_size(void)
{
	return sizeof(struct tcp_info);
}
