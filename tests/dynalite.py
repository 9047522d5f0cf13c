"""Start and stop a dynalite server (the real DynamoDB wire protocol, in Node) for tests and benchmarks."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "node_modules" / "dynalite" / "cli.js"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Dynalite:
    def __init__(self, *, port=None, path=None, max_item_size_kb=400):
        self.port = port or free_port()
        self.path = path
        self.max_item_size_kb = max_item_size_kb
        self.process = None

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=15):
        node = shutil.which("node")
        if node is None or not CLI.exists():
            raise RuntimeError("dynalite is not installed: run `make install` (needs Node 20 and npm ci).")
        args = [node, str(CLI), "--host", "127.0.0.1", "--port", str(self.port), "--createTableMs", "0"]
        args += ["--deleteTableMs", "0", "--updateTableMs", "0", "--maxItemSizeKb", str(self.max_item_size_kb)]
        if self.path:
            args += ["--path", str(self.path)]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dynalite exited: {self.process.stderr.read().decode()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("dynalite did not start listening in time")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def local_env(endpoint):
    env = dict(os.environ)
    env.update(SCC_DYNAMODB_HOST=endpoint, AWS_ACCESS_KEY_ID="local", AWS_SECRET_ACCESS_KEY="local")
    return env
