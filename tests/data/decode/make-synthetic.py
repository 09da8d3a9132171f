"""Write synthetic.pcap (Ethernet): the cases a real connection rarely shows, built by
this independent Python code (its own header layout and checksums, not tcpspec's):

  - a connection with a handshake, 198.51.100.7:5000 -> 192.0.2.1:80, then data
  - a second connection already open when the capture starts (no SYN): 203.0.113.9
  - an ICMP "fragmentation needed" quoting the server's data segment
  - TCP inside UDP (port 9899), reserved header bits, URG, a wrong TCP checksum
  - malformed segments: data offset 4, an option of length 0
  - a non-first IPv4 fragment, an ARP frame, an 802.1Q-tagged frame, an IPv6 segment
    with a destination-options header
  - every remaining option kind (fast open and its experimental form, MD5, accurate
    ECN in both orders, an unknown kind, a known kind with a wrong length), ECN CE

Usage: python3 make-synthetic.py OUT.pcap"""
import struct
import sys

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF

def a4(t):
    return bytes(int(x) for x in t.split("."))

def a6(t):
    import ipaddress
    return ipaddress.IPv6Address(t).packed

def opt_bytes(opts):
    b = b""
    for o in opts:
        b += o
    b += b"\0" * (-len(b) % 4)
    return b

MSS = lambda v: struct.pack("!BBH", 2, 4, v)
NOP = b"\x01"
WS = lambda v: struct.pack("!BBB", 3, 3, v)
SACKOK = b"\x04\x02"
TS = lambda v, e: struct.pack("!BBII", 8, 10, v, e)
SACK = lambda *bl: struct.pack("!BB", 5, 2 + 8 * (len(bl) // 2)) + struct.pack("!%dI" % len(bl), *bl)

def tcp(src, dst, sp, dp, seq, ack, flags, win, opts=b"", payload=b"", urg=0,
        doff=None, bad_csum=False, proto_v6=False):
    hl = 20 + len(opts)
    d = (doff if doff is not None else hl // 4)
    seq &= 0xFFFFFFFF
    ack &= 0xFFFFFFFF
    hdr = struct.pack("!HHIIHHHH", sp, dp, seq, ack, d << 12 | flags, win, 0, urg) + opts
    seg = hdr + payload
    if proto_v6:
        ph = src + dst + struct.pack("!I3xB", len(seg), 6)
    else:
        ph = src + dst + struct.pack("!BBH", 0, 6, len(seg))
    c = csum(ph + seg)
    if bad_csum:
        c = c ^ 0xFFFF if c not in (0, 0xFFFF) else 0x5555
    return seg[:16] + struct.pack("!H", c) + seg[18:]

def ip4(src, dst, proto, payload, ident=1, flags_frag=0x4000, tos=0):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(payload), ident, flags_frag, 64,
                    proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload

def ip6(src, dst, nh, payload, ext=b""):
    return struct.pack("!IHBB", 6 << 28, len(ext) + len(payload), nh, 64) + src + dst + ext + payload

def eth(payload, etype=0x0800, vlan=None):
    h = b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02"
    if vlan is not None:
        h += struct.pack("!HH", 0x8100, vlan)
    return h + struct.pack("!H", etype) + payload

F, S, R, P, A, U = 1, 2, 4, 8, 16, 32
C, SRV, MID = a4("198.51.100.7"), a4("192.0.2.1"), a4("203.0.113.9")
CISN, SISN, MSEQ, MACK = 1000, 0xFFFFFF00, 777000, 4242000
frames = []
t = [0.0]
def add(frame, dt=0.001):
    frames.append((t[0], frame))
    t[0] += dt

add(eth(ip4(C, SRV, 6, tcp(C, SRV, 5000, 80, CISN, 0, S, 29200,
                            opt_bytes([MSS(1460), SACKOK, TS(100, 0), NOP, WS(7)])))))
add(eth(ip4(SRV, C, 6, tcp(SRV, C, 80, 5000, SISN, CISN + 1, S | A, 65535,
                            opt_bytes([MSS(1400), NOP, NOP, SACKOK, NOP, WS(8)])))))
add(eth(ip4(C, SRV, 6, tcp(C, SRV, 5000, 80, CISN + 1, SISN + 1, A, 229))))
add(eth(ip4(C, SRV, 6, tcp(C, SRV, 5000, 80, CISN + 1, SISN + 1, P | A, 229,
                            payload=b"q" * 50))))
# server data crossing the 2^32 wrap
add(eth(ip4(SRV, C, 6, tcp(SRV, C, 80, 5000, SISN + 1, CISN + 51, P | A, 256,
                            payload=b"r" * 1000))))
# the client SACKs a later block (relative to the server's ISN)
add(eth(ip4(C, SRV, 6, tcp(C, SRV, 5000, 80, CISN + 51, SISN + 1, A, 229,
                            opt_bytes([NOP, NOP, SACK((SISN + 2001) & 0xFFFFFFFF,
                                                      (SISN + 3001) & 0xFFFFFFFF)])))))
# a router says the server's segment was too big, quoting IP + TCP header + 8 bytes
quoted = ip4(SRV, C, 6, tcp(SRV, C, 80, 5000, SISN + 1, CISN + 51, P | A, 256,
                            payload=b"r" * 1000))[:48]
icmp = struct.pack("!BBHHH", 3, 4, 0, 0, 1200) + quoted
icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
add(eth(ip4(a4("198.51.100.254"), SRV, 1, icmp)))
# a connection already open when the capture began
add(eth(ip4(MID, SRV, 6, tcp(MID, SRV, 6000, 80, MSEQ, MACK, P | A, 100, payload=b"m" * 10))))
add(eth(ip4(SRV, MID, 6, tcp(SRV, MID, 80, 6000, MACK, MSEQ + 10, A, 200))))
# reserved bits and URG, a wrong checksum
add(eth(ip4(C, SRV, 6, tcp(C, SRV, 5000, 80, CISN + 51, SISN + 1, U | A | 0xE00, 229,
                            payload=b"u", urg=1))))
add(eth(ip4(C, SRV, 6, tcp(C, SRV, 5000, 80, CISN + 52, SISN + 1, A, 229, bad_csum=True))))
# malformed: data offset 4; option length 0
add(eth(ip4(C, SRV, 6, tcp(C, SRV, 5000, 80, CISN + 52, SISN + 1, A, 229, doff=4))))
add(eth(ip4(C, SRV, 6, tcp(C, SRV, 5000, 80, CISN + 52, SISN + 1, A, 229,
                            opts=b"\x02\x00\x05\xb4"))))
# TCP in UDP, port 9899
inner = tcp(C, SRV, 5000, 80, CISN + 52, SISN + 1, A, 229, payload=b"e" * 20)
udp = struct.pack("!HHHH", 1234, 9899, 8 + len(inner), 0) + inner
udp = udp[:6] + struct.pack("!H", csum(C + SRV + struct.pack("!BBH", 0, 17, len(udp)) + udp)) + udp[8:]
add(eth(ip4(C, SRV, 17, udp)))
# a later fragment, an ARP frame, a VLAN-tagged segment
add(eth(ip4(C, SRV, 6, b"z" * 16, ident=9, flags_frag=0x0003)))
add(eth(b"\0\x01\x08\0\x06\x04\0\x01" + b"\0" * 20, etype=0x0806))
add(eth(ip4(SRV, C, 6, tcp(SRV, C, 80, 5000, SISN + 1001, CISN + 52, F | A, 256)), vlan=5))
# IPv6 with a destination-options header (PadN)
S6, C6 = a6("2001:db8::1"), a6("2001:db8::7")
seg6 = tcp(C6, S6, 5001, 80, 1, 0, S, 1000, opt_bytes([MSS(1220)]), proto_v6=True)
add(eth(ip6(C6, S6, 60, seg6, ext=bytes([6, 0, 1, 4, 0, 0, 0, 0])), etype=0x86DD))

# every other option kind, on a connection of its own: fast open with a cookie and MD5
# on a SYN; accurate ECN, the experimental fast open and an unknown kind on an ECN-CE
# segment (padding spelt out as EOLs); a cookie request, an empty FOEXP, a one-field
# AccECN option (kind 174) and an MSS of the wrong length
O = a4("203.0.113.20")
FO = lambda c: struct.pack("!BB", 34, 2 + len(c)) + c
FOEXP = lambda c: struct.pack("!BBH", 254, 4 + len(c), 0xF989) + c
MD5 = struct.pack("!BB", 19, 18) + bytes(range(16))
ACC0 = struct.pack("!BB", 172, 11) + b"\0\0\x01\0\0\x02\0\0\x03"
ACC1 = struct.pack("!BB", 174, 5) + b"\0\0\x07"
add(eth(ip4(O, SRV, 6, tcp(O, SRV, 7000, 80, 50, 0, S, 1000,
                            opt_bytes([FO(bytes(range(1, 9))), MD5, NOP, NOP])))))
add(eth(ip4(SRV, O, 6, tcp(SRV, O, 80, 7000, 90, 51, S | A, 1000,
                            opt_bytes([MSS(1000), FO(b""), FOEXP(b""), NOP, NOP, ACC1])))))
add(eth(ip4(O, SRV, 6, tcp(O, SRV, 7000, 80, 51, 91, A, 1000,
                            opt_bytes([ACC0, NOP, FOEXP(b"\xaa\xbb\xcc\xdd"),
                                       struct.pack("!BB", 99, 4) + b"\x01\x02"])),
                    tos=3)))
add(eth(ip4(O, SRV, 6, tcp(O, SRV, 7000, 80, 51, 91, A, 1000,
                            opt_bytes([b"\x02\x03\x05", NOP])))))

out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
for ts, fr in frames:
    sec = 1700000000 + int(ts)
    usec = int(round((ts - int(ts)) * 1e6))
    out.append(struct.pack("<IIII", sec, usec, len(fr), len(fr)) + fr)
open(sys.argv[1], "wb").write(b"".join(out))
