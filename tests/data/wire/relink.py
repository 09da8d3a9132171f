"""Rewrite an Ethernet pcap as another link type: raw IP (LINKTYPE_RAW), BSD loopback
(LINKTYPE_NULL, host-order address family; LINKTYPE_LOOP, network order), raw IPv4
(LINKTYPE_IPV4) or pcapng (one interface, Ethernet)."""
import struct
import sys

mode, src, dst = sys.argv[1:4]
data = open(src, "rb").read()
magic = struct.unpack("<I", data[:4])[0]
assert magic == 0xA1B2C3D4, "little-endian microsecond pcap expected"
snaplen, linktype = struct.unpack("<16xII", data[:24])
assert linktype == 1, "Ethernet expected"
records = []
off = 24
while off < len(data):
    sec, usec, caplen, length = struct.unpack("<IIII", data[off:off + 16])
    records.append((sec, usec, data[off + 16:off + 16 + caplen], length))
    off += 16 + caplen

def pcap(linktype, recs):
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype)]
    for sec, usec, pkt, length in recs:
        out.append(struct.pack("<IIII", sec, usec, len(pkt), len(pkt)) + pkt)
    return b"".join(out)

if mode == "raw":
    open(dst, "wb").write(pcap(101, [(s, u, p[14:], n - 14) for s, u, p, n in records]))
elif mode == "null":
    recs = []
    for s, u, p, n in records:
        etype = struct.unpack("!H", p[12:14])[0]
        fam = 2 if etype == 0x0800 else 24     # AF_INET, BSD AF_INET6
        recs.append((s, u, struct.pack("<I", fam) + p[14:], n - 10))
    open(dst, "wb").write(pcap(0, recs))
elif mode == "loop":
    # OpenBSD loopback: the family in network byte order
    recs = []
    for s, u, p, n in records:
        etype = struct.unpack("!H", p[12:14])[0]
        fam = 2 if etype == 0x0800 else 24
        recs.append((s, u, struct.pack("!I", fam) + p[14:], n - 10))
    open(dst, "wb").write(pcap(108, recs))
elif mode == "ipv4":
    # LINKTYPE_IPV4: raw IPv4 only
    recs = [(s, u, p[14:], n - 14) for s, u, p, n in records if p[12:14] == b"\x08\x00"]
    open(dst, "wb").write(pcap(228, recs))
elif mode == "pcapng":
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
    out = [block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)),
           block(1, struct.pack("<HHI", 1, 0, snaplen))]
    for s, u, p, n in records:
        ts = s * 1000000 + u
        out.append(block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(p), n) + p))
    open(dst, "wb").write(b"".join(out))
else:
    sys.exit("mode: raw | null | loop | ipv4 | pcapng")
