#!/bin/sh
# scripts/fuzz-campaign keeps a minimised input only when it replays as the same finding:
# an outside tester's divergence (a state after a RST in SYN-SENT) was minimised into an
# input that hangs the stack, and its script then showed the hang.  other_finding() is
# fed replay reports as fuzz_stack and libFuzzer print them.  TAP.
command -v python3 >/dev/null 2>&1 || { echo "ok 1 - other_finding # SKIP python3 is missing"; echo "1..1"; exit 0; }
python3 - <<'PY'
import importlib.machinery, importlib.util
loader = importlib.machinery.SourceFileLoader("campaign", "scripts/fuzz-campaign")
spec = importlib.util.spec_from_loader("campaign", loader)
c = importlib.util.module_from_spec(spec)
loader.exec_module(c)
div = ("fuzz_stack: violated: [diverge] plugin:x.so: connection state 7 where the reference "
       "stack's is 2 (tcpi_state; RFC 9293 3.10.7.3: a RST without an acceptable ACK in "
       "SYN-SENT is dropped) (record 3)\n"
       "fuzz_stack: signature: [diverge] plugin:x.so: connection state N where the reference "
       "stack's is N (tcpi_state; RFC 9293 3.10.7.3: a RST without an acceptable ACK in "
       "SYN-SENT is dropped)\n==1== ERROR: libFuzzer: deadly signal\n")
kind, frames = c.signature("fuzz_stack@plugin-x", div)
entry = {"kind": kind, "frames": frames}
hang = ("ALARM: working on the last Unit for 6 seconds\n"
        "==2== ERROR: libFuzzer: timeout after 6 seconds\nSUMMARY: libFuzzer: timeout\n")
other = div.replace("state 7", "state 4").replace("3.10.7.3: a RST", "3.10.7.4: a RST")
n = 0
def tap(ok, what):
    global n
    n += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n, what))
tap(c.other_finding("fuzz_stack@plugin-x", entry, div.replace("state 7", "state 1")) is None,
    "the same finding with other numbers is kept")
tap(c.other_finding("fuzz_stack@plugin-x", entry, hang) == "ERROR: libFuzzer: timeout",
    "a hang instead of the divergence is another finding")
tap(c.other_finding("fuzz_stack@plugin-x", entry, other) is not None,
    "another rule's divergence is another finding")
print("1..%d" % n)
PY
