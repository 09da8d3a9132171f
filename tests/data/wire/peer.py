"""One small TCP exchange for the captures: the client sends a request in two writes,
the server answers and closes first, the client closes; then one UDP datagram to a
closed port (the peer answers with ICMP port unreachable)."""
import socket
import sys
import time

role, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET

if role == "server":
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    c, _ = ls.accept()
    got = b""
    while len(got) < 300:
        d = c.recv(4096)
        if not d:
            break
        got += d
    c.sendall(b"R" * 1000)
    time.sleep(0.05)
    c.close()
    ls.close()
else:
    c = socket.socket(fam, socket.SOCK_STREAM)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.connect((addr, port))
    c.sendall(b"a" * 100)
    time.sleep(0.05)
    c.sendall(b"b" * 200)
    while c.recv(4096):
        pass
    c.close()
    time.sleep(0.1)
    if len(sys.argv) > 4:
        u = socket.socket(fam, socket.SOCK_DGRAM)
        u.sendto(b"x" * 20, (addr, int(sys.argv[4])))
        time.sleep(0.1)
