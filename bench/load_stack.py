"""The load bench's stack: a throwaway PostgreSQL cluster, the portal under gunicorn as `make serve` runs it,
and wrk, each started and stopped by bench/load_bench.py."""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
LUA = Path(__file__).resolve().parent / "mix.lua"
CONNECTIONS, THREADS, TIMEOUT = 32, 2, "10s"
# A commit does not wait for its WAL flush (fsync stays on); the search table and its indexes fit in shared buffers,
# as docs/deploy.md advises.
PG_SETTINGS = {"synchronous_commit": "off", "shared_buffers": "1GB"}
DEFAULT_TRIALS, DEFAULT_SECONDS = 100_000, 60
WARMUP_SECONDS = 5


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path, lines=30):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def query(url, sql):
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=10) as connection:
        return connection.execute(sql).fetchall()


class Cluster:
    """A PostgreSQL cluster in a temp dir, made like scripts/with-postgres.sh makes one; stopped and started at will.

    Run as root, it belongs to the unprivileged user `nobody` (PostgreSQL refuses root).
    """

    def __init__(self, parent):
        self.dir = parent / "pg"
        self.dir.mkdir()
        self.as_owner = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "nobody")
            self.as_owner = ["runuser", "-u", "nobody", "--"]
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.log = self.dir / "server.log"
        self.pg("initdb", "-D", "data", "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale")

    def pg(self, program, *args):
        command = [*self.as_owner, str(PG_BIN / program), *args]
        done = subprocess.run(command, cwd=self.dir, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{program} {' '.join(args)} failed:\n{done.stdout}{done.stderr}\n{tail(self.log)}")

    def start(self):
        options = f"-h 127.0.0.1 -p {self.port} -k {self.dir} " + " ".join(
            f"-c {k}={v}" for k, v in PG_SETTINGS.items()
        )
        self.pg("pg_ctl", "-D", "data", "-l", str(self.log), "-w", "-t", "60", "-o", options, "start")

    def stop(self, mode="fast"):
        self.pg("pg_ctl", "-D", "data", "-m", mode, "-w", "stop")

    def remove(self):
        with contextlib.suppress(Exception):
            self.stop("immediate")


class Portal:
    """gunicorn with gunicorn.conf.py, as `make serve` runs it; its access log (JSON lines) and error log in files."""

    def __init__(self, tmp, env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**env, "BIND": f"127.0.0.1:{self.port}"}
        self.access_log, self.error_log = tmp / "access.log", tmp / "error.log"
        self.process = None

    def start(self):
        with open(self.access_log, "ab") as out, open(self.error_log, "ab") as err:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "--config", "gunicorn.conf.py"],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own process group: Ctrl-C reaches this script, which stops it
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{tail(self.error_log)}")
            with contextlib.suppress(OSError):
                if get(self.base + "/healthz", timeout=2)[0] == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready after 60 s:\n{tail(self.error_log)}")

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()  # the master: workers finish their request, then all exit
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # anything of its group still there
        self.process.wait()

    def worker_boots(self):
        return self.error_log.read_text(errors="replace").count("Booting worker")

    def worker_recycles(self):
        """Workers that stopped after max_requests (gunicorn.conf.py), as planned: each is booted again."""
        return self.error_log.read_text(errors="replace").count("Autorestarting worker")


def get(url, headers=None, timeout=15):
    """(status, headers) of a GET; HTTP errors and 304 are answers too."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


class Wrk:
    """One wrk run in the background over a file of request lines (see bench/mix.lua)."""

    def __init__(self, base, requests_file, seconds, per_second=False, connections=CONNECTIONS):
        command = ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s", "--timeout", TIMEOUT, "--latency"]
        command += ["-s", str(LUA), base + "/", "--", str(requests_file), str(THREADS)]
        command += ["seconds"] if per_second else []
        self.seconds = seconds
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )

    def result(self):
        out, err = self.process.communicate(timeout=self.seconds + 60)
        found = re.search(r"^LOADBENCH (.*)$", out, re.M)
        if self.process.returncode or not found:
            raise RuntimeError(f"wrk failed ({self.process.returncode}):\n{out[-2000:]}\n{err[-2000:]}")
        result = json.loads(found[1])
        result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
        result["error_count"] = sum(result["errors"].values())
        return result

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
