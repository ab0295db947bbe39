#!/usr/bin/env python3
"""Write the seed corpus of the fuzz targets into hardening/fuzz/corpus/<target>/.

The seeds are small valid-looking inputs that reach every feature at once, so libFuzzer does
not have to discover the input format by itself. The formats are described at the top of
fuzz_framer.c and fuzz_session.c. Run it again after changing a format:

    python3 hardening/fuzz/make_seeds.py
"""

import os

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- fuzz_framer: one byte choosing the recv() chunking, then the byte stream ---------------
FRAMER = {
    "lines": b"\x07hello\nworld\r\n\n/who\n",
    "crlf_split": b"\x01a\r\nb\rc\r\r\n",
    "exactly_512": b"\x03" + b"x" * 512 + b"\n" + b"y" * 512 + b"\r\n",
    "too_long": b"\x05" + b"z" * 513 + b"\nafter\n",
    "too_long_cr": b"\x09" + b"q" * 512 + b"\r\r\nafter\n",
    "no_newline": b"\x11" + b"w" * 700,
    "binary": b"\x21\x00\x01\xff\xfe\n\x1b[31m\n\x7f\n",
}

# ---- fuzz_session: 4 bytes of room settings, then operations --------------------------------
SEND, CONNECT, DRAIN, BREAK, REAP, SHUTDOWN, EVERYONE = 0, 2, 3, 4, 5, 6, 7


def op(code, slot):
    return bytes([(slot << 3) | code])


def send(slot, line):
    return op(SEND, slot) + line + b"\n"


def drain(slot, n16=0):
    return op(DRAIN, slot) + bytes([n16])


def session_seed(backlog, replay, max_clients, sendq16, *steps):
    return bytes([backlog - 1, replay, max_clients - 1, sendq16]) + b"".join(steps)


SESSION = {
    "chat": session_seed(
        8, 4, 3, 0,
        op(CONNECT, 0), op(CONNECT, 1), send(0, b"hello"), send(1, b"/nick alice"),
        send(1, b"hi \xc3\xa9"), drain(0), drain(1), send(0, b"/who"), send(0, b"/help"),
        send(1, b"/quit bye"), drain(1), op(REAP, 0), drain(0)),
    "brb_back_overflow": session_seed(
        4, 2, 3, 0,
        op(CONNECT, 0), op(CONNECT, 1), send(1, b"/brb lunch"),
        *[send(0, b"line %d" % i) for i in range(8)], drain(0), send(1, b"/back"), drain(1),
        send(1, b"/brb"), send(1, b"/brb"), send(1, b"implicit back"), drain(1)),
    "slow_reader_cut_off": session_seed(
        3, 0, 4, 0,
        op(CONNECT, 0), op(CONNECT, 1), op(CONNECT, 2),
        *[send(0, b"x" * 300) for _ in range(10)], op(EVERYONE, 0), drain(0),
        op(REAP, 0), drain(2)),
    "full_and_errors": session_seed(
        16, 16, 2, 1,
        op(CONNECT, 0), op(CONNECT, 1), op(CONNECT, 2), send(0, b"/nick guest2"),
        send(0, b"/nick 1bad"), send(0, b"/nick"), send(0, b"/frob x"), send(0, b"\x1b[2J"),
        send(0, b"\xc0\xaf"), send(0, b"a" * 599), send(0, b"//slash"), drain(0, 1),
        op(BREAK, 1), op(CONNECT, 2), drain(2)),
    "shutdown": session_seed(
        8, 8, 4, 0,
        op(CONNECT, 0), op(CONNECT, 1), send(0, b"/brb"), send(1, b"bye all"),
        op(SHUTDOWN, 0), send(1, b"ignored"), drain(0), drain(1), op(REAP, 0)),
}


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    write("framer", FRAMER)
    write("session", SESSION)
    print("wrote %d framer and %d session seeds" % (len(FRAMER), len(SESSION)))
