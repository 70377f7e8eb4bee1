"""A Python parent whose measured call runs a Python child holding a 12 MiB bytearray."""
import subprocess
import sys


def run():
    subprocess.run([sys.executable, "-c", "held = bytearray(12 << 20)"], check=True)
