"""Switch off transmit checksum offload on one interface (legacy ETHTOOL_STXCSUM ioctl),
so that captured packets carry checksums the kernel computed in software."""
import ctypes
import fcntl
import socket
import struct
import sys

SIOCETHTOOL = 0x8946
ETHTOOL_STXCSUM = 0x00000017
ETHTOOL_SSG = 0x00000019
ETHTOOL_STSO = 0x0000001f

def set_flag(sock, ifname, cmd, value):
    val = ctypes.create_string_buffer(struct.pack("II", cmd, value))
    ifr = struct.pack("16sP", ifname.encode(), ctypes.addressof(val))
    fcntl.ioctl(sock.fileno(), SIOCETHTOOL, ifr)

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for cmd in (ETHTOOL_STSO, ETHTOOL_SSG, ETHTOOL_STXCSUM):
    set_flag(s, sys.argv[1], cmd, 0)
