import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "targets"))


def pytest_configure(config):
    config.addinivalue_line("markers", "breach: an exercise that is expected to break its memory limit")
