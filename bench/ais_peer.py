"""The AIS decoding peers of bench/ais_decode.sh: decodes every message of an NMEA file with pyais
or libais, on one core, and prints what it decoded and how long it took.

usage: ais_peer.py pyais|libais FILE
"""
import sys
import time


def with_pyais(path):
    from pyais.stream import FileReaderStream

    decoded = failed = 0
    for msg in FileReaderStream(path):
        try:
            msg.decode()
            decoded += 1
        except Exception:
            failed += 1
    return decoded, failed


def with_libais(path):
    import ais.stream

    decoded = 0
    with open(path) as f:
        # libais's stream reassembles multi-part messages and, told to, passes over a sentence
        # it cannot decode without counting it.
        for _msg in ais.stream.decode(f, ignore_errors=True):
            decoded += 1
    return decoded, 0


def main():
    peer, path = sys.argv[1], sys.argv[2]
    run = {"pyais": with_pyais, "libais": with_libais}[peer]
    start = time.perf_counter()
    decoded, failed = run(path)
    secs = time.perf_counter() - start
    print(f"{peer}: {decoded} messages decoded, {failed} failed, in {secs:.2f} s")


if __name__ == "__main__":
    main()
