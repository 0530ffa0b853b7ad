"""Real processes for the tests: a redis-server of the test's own, TypeScript and Python cluster members."""

import asyncio
import json
import os
import shutil
import sys
import tempfile
import time

from support import free_port

HERE = os.path.dirname(os.path.abspath(__file__))
ACTORS_DIST = os.path.join(HERE, "..", "..", "actors", "dist", "src", "index.js")


class RedisServer:
    """redis-server on a free port of 127.0.0.1 in a temporary directory, persistence off."""

    @classmethod
    async def start(cls, port=None):
        """On a free port, or on `port` again (a restart: it comes back empty)."""
        server = cls()
        server.dir = tempfile.mkdtemp(prefix="packetflow-py-redis-")
        server.port = port or free_port()
        server.proc = await asyncio.create_subprocess_exec(
            "redis-server", "--port", str(server.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", server.dir, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
                writer.write(b"PING\r\n")
                if (await reader.readline()).startswith(b"+PONG"):
                    writer.close()
                    return server
                writer.close()
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            await asyncio.sleep(0.05)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    async def stop(self):
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class Member:
    """A cluster member in a child process that prints JSON lines and takes JSON commands on stdin."""

    def __init__(self, node_id, proc):
        self.node_id = node_id
        self.proc = proc
        self.lines = []
        self.stderr = []
        self._seq = 0
        self._reader = asyncio.get_running_loop().create_task(self._read())
        self._errors = asyncio.get_running_loop().create_task(self._read_stderr())

    @classmethod
    async def start(cls, argv, node_id, env):
        proc = await asyncio.create_subprocess_exec(
            *argv,
            env={**os.environ, **env, "NODE_ID": node_id},
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        member = cls(node_id, proc)
        member.ready = await member.wait_for(lambda line: "ready" in line, 20)
        return member

    @classmethod
    async def typescript(cls, node_id, env):
        assert os.path.exists(ACTORS_DIST), "build @packetflow/actors first: npx turbo run build --filter=@packetflow/python"
        return await cls.start(["node", os.path.join(HERE, "fixtures", "ts-node.mjs")], node_id, env)

    @classmethod
    async def python(cls, node_id, env):
        return await cls.start([sys.executable, os.path.join(HERE, "fixtures", "py_host.py")], node_id, env)

    async def _read(self):
        while True:
            line = await self.proc.stdout.readline()
            if not line:
                return
            try:
                self.lines.append(json.loads(line))
            except ValueError:
                self.stderr.append(line.decode(errors="replace"))

    async def _read_stderr(self):
        while True:
            line = await self.proc.stderr.readline()
            if not line:
                return
            self.stderr.append(line.decode(errors="replace"))

    async def wait_for(self, match, timeout_s=10):
        deadline = time.monotonic() + timeout_s
        while True:
            for line in self.lines:
                if match(line):
                    return line
            if self.proc.returncode is not None:
                raise AssertionError(f"{self.node_id} exited: {''.join(self.stderr)[-2000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.node_id} did not print what was expected: {''.join(self.stderr)[-2000:]}")
            await asyncio.sleep(0.01)

    async def command(self, timeout_s=10, **command):
        self._seq += 1
        seq = self._seq
        self.proc.stdin.write((json.dumps({**command, "seq": seq}) + "\n").encode())
        await self.proc.stdin.drain()
        return await self.wait_for(lambda line: line.get("seq") == seq, timeout_s)

    async def kill(self):
        if self.proc.returncode is None:
            self.proc.kill()
        await self.proc.wait()

    async def stop(self):
        if self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except asyncio.TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        self._reader.cancel()
        self._errors.cancel()
