"""The sandbox as its users run it: `crimewatch sandbox` in a process of its own, and a small
client for its page's JSON API."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.process import ROOT, free_port, wait_for


class SandboxProcess:
    """`crimewatch sandbox --port P --dir D`, started and stopped."""

    def __init__(self, directory: Path, *, fresh: bool = False) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = directory / "sandbox.log"
        self.fresh = fresh
        self.process: subprocess.Popen[bytes] | None = None
        self.started_in: float | None = None
        self._from = 0

    def start(self, timeout: float = 60) -> SandboxProcess:
        args = [sys.executable, "-m", "bot.cli", "sandbox", "--port", str(self.port)]
        args += ["--dir", str(self.directory)] + (["--fresh"] if self.fresh else [])
        # Nothing of the developer's own settings may reach the sandbox.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))}
        env |= {"PYTHONPATH": str(ROOT), "DATABASE_URL": "sqlite+aiosqlite:////nonexistent/x.db"}
        began = time.monotonic()
        self._from = self.log.stat().st_size if self.log.exists() else 0
        self.process = subprocess.Popen(
            args, env=env, cwd=self.directory, stdout=self.log.open("ab"), stderr=subprocess.STDOUT
        )
        wait_for(self._announced, timeout, f"the sandbox to start (log: {self.log})")
        self.started_in = time.monotonic() - began
        return self

    def _announced(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"the sandbox exited: {self.log.read_text()[-3000:]}")
        return "Crime Watch sandbox: open" in self.output()

    def stop(self) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)

    def output(self) -> str:
        """What this run (not an earlier one in the same folder) printed."""
        with self.log.open("rb") as log:
            log.seek(self._from)
            return log.read().decode(errors="replace")


class PageClient:
    """What the page does, through the same JSON API."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=10)

    def people(self) -> list[dict[str, Any]]:
        return list(self.http.get("/api/people").json()["people"])

    def add(self, name: str, phone: str = "", telegram: bool = True) -> dict[str, Any]:
        response = self.http.post(
            "/api/people", json={"name": name, "phone": phone, "telegram": telegram}
        )
        assert response.status_code == 201, response.text
        return dict(response.json()["person"])

    def chat(self, key: str) -> dict[str, Any]:
        return dict(self.http.get(f"/api/chat/{key}").json())

    def messages(self, key: str) -> list[dict[str, Any]]:
        return list(self.chat(key)["messages"])

    def say(self, key: str, text: str) -> httpx.Response:
        return self.http.post(f"/api/chat/{key}/text", json={"text": text})

    def wait_bot(self, key: str, pattern: str, timeout: float = 15) -> dict[str, Any]:
        """The newest bot message in the chat matching `pattern`, waiting for it."""

        def found() -> dict[str, Any] | None:
            for message in reversed(self.messages(key)):
                if message["from"] == "bot" and re.search(pattern, message.get("text", "")):
                    return message
            return None

        try:
            return dict(wait_for(found, timeout, f"{pattern!r} in {key}'s chat"))
        except AssertionError as error:
            last = [m.get("text", "")[:200] for m in self.messages(key)[-3:]]
            raise AssertionError(f"{error}; the chat ends with {last}") from None

    def press(self, key: str, message: dict[str, Any], label: str) -> httpx.Response:
        rows = message["reply_markup"]["inline_keyboard"]
        data = next(b["callback_data"] for row in rows for b in row if label in b["text"])
        return self.http.post(
            f"/api/chat/{key}/press", json={"message_id": message["id"], "data": data}
        )

    def texts(self, key: str) -> list[dict[str, str]]:
        return list(self.http.get(f"/api/sms/{key}").json()["texts"])

    def text_service(self, key: str, body: str) -> list[str]:
        response = self.http.post(f"/api/sms/{key}", json={"text": body})
        assert response.status_code == 200, response.text
        return list(response.json()["replies"])
