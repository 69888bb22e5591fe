"""A headless Chromium driven over the DevTools protocol, for report screenshots and browser tests.

Chromium's ``--remote-debugging-pipe`` speaks the protocol as NUL-terminated JSON on file
descriptors 3 (commands in) and 4 (replies and events out): no port to open, no websocket client, no
browser download, no extra package. We use Debian's ``chromium`` as installed by the system.

``python -m pipeline.report.browser REPORT.html OUT.png [--lang fr] [--width 1440]`` renders a report
to a full-page PNG.
"""
from __future__ import annotations

import argparse
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio", "--remote-debugging-pipe")


class BrowserError(RuntimeError):
    """Chromium is missing, exited, timed out, or answered a command with an error."""


class Chromium:
    """One browser process; ``with Chromium() as browser: page = browser.open(url)``."""

    def __init__(self, executable: Path = CHROMIUM, *, timeout: float = 60.0):
        self.executable = Path(executable)
        self.timeout = timeout
        self.events: list[dict] = []
        self._next_id = 0
        self._buffer = b""

    def __enter__(self) -> "Chromium":
        if not self.executable.exists():
            raise BrowserError(f"{self.executable} not found: install Debian's chromium package")
        self._profile = tempfile.mkdtemp(prefix="wsis-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_fds() -> None:
            """In the child before exec: put the pipe ends on 3 and 4, whatever numbers they had.

            Moving them above 100 first means neither can overwrite the other; dup2 onto a different
            number leaves 3 and 4 inheritable. Python's own descriptors are close-on-exec (PEP 446),
            which is why ``close_fds`` can stay off (it would close 3 and 4 after this runs).
            """
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 100) for fd in (to_browser_r, from_browser_w)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)
            for fd in high:
                os.close(fd)

        self._process = subprocess.Popen(
            [str(self.executable), *FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire_fds, close_fds=False)
        os.close(to_browser_r)
        os.close(from_browser_w)
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except BrowserError:
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self._profile, ignore_errors=True)

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("timed out waiting for Chromium")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise BrowserError(f"Chromium exited (code {self._process.poll()})")
                self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, *, session: str | None = None,
             timeout: float | None = None) -> dict:
        """Send one command and wait for its reply; events that arrive meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def pump(self, seconds: float) -> None:
        """Collect events for a while (console messages arrive asynchronously)."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._read_message(deadline))
        except BrowserError as exc:
            if "timed out" not in str(exc):
                raise

    def open(self, url: str, *, width: int = 1440, height: int = 900) -> "Page":
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.send(f"{domain}.enable")
        page.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        page.navigate(url)
        return page


class Page:
    def __init__(self, browser: Chromium, session: str):
        self.browser = browser
        self.session = session

    def send(self, method: str, params: dict | None = None, **kwargs) -> dict:
        return self.browser.send(method, params, session=self.session, **kwargs)

    def _events(self, method: str) -> list[dict]:
        return [e["params"] for e in self.browser.events
                if e.get("method") == method and e.get("sessionId") == self.session]

    def navigate(self, url: str) -> None:
        self.send("Page.navigate", {"url": url})
        self.wait_for("document.readyState === 'complete'")

    def evaluate(self, expression: str, *, await_promise: bool = True) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": await_promise})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(f"{expression!r}: {details.get('exception', {}).get('description') or details}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(f"(() => {{ try {{ return {expression}; }} catch (e) {{ return null; }} }})()")
            if value:
                return value
            time.sleep(0.1)
        raise BrowserError(f"timed out waiting for {expression}")

    def click(self, selector: str) -> None:
        """A real mouse click at the element's centre, scrolled into view first."""
        box = self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                            f"e.scrollIntoView({{block: 'center', behavior: 'instant'}});"
                            f"const r = e.getBoundingClientRect();"
                            f"return [r.x + r.width / 2, r.y + r.height / 2]; }})()")
        self.click_at(*box)

    def click_at(self, x: float, y: float) -> None:
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                                   "clickCount": 1})

    def console_errors(self) -> list[str]:
        """Console errors, uncaught exceptions and browser-logged errors seen so far."""
        self.browser.pump(0.2)
        errors = [" ".join(str(a.get("value", a.get("description", ""))) for a in e.get("args", []))
                  for e in self._events("Runtime.consoleAPICalled") if e.get("type") in ("error", "assert")]
        errors += [e["exceptionDetails"].get("exception", {}).get("description")
                   or e["exceptionDetails"].get("text", "") for e in self._events("Runtime.exceptionThrown")]
        errors += [e["entry"].get("text", "") for e in self._events("Log.entryAdded")
                   if e["entry"].get("level") == "error"]
        return errors

    def requests(self) -> list[str]:
        return [e["request"]["url"] for e in self._events("Network.requestWillBeSent")]

    def screenshot(self, target: Path, *, full_page: bool = True) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
        data = self.send("Page.captureScreenshot", params, timeout=120)["data"]
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).write_bytes(base64.b64decode(data))
        return Path(target)


def render_png(report: Path, out: Path, *, lang: str | None = None, width: int = 1440,
               executable: Path = CHROMIUM) -> Path:
    """Open ``report`` (a local file), wait until every chart is drawn, save a full-page PNG."""
    url = Path(report).resolve().as_uri() + (f"?lang={lang}" if lang else "")
    with Chromium(executable) as browser:
        page = browser.open(url, width=width)
        page.wait_for("document.body.getAttribute('data-ready') === '1'", timeout=120)
        errors = page.console_errors()
        if errors:
            raise BrowserError("the report logged errors: " + "; ".join(errors))
        return page.screenshot(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Render a report.html to a full-page PNG with headless Chromium")
    parser.add_argument("report", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--lang", choices=("en", "fr"))
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--chromium", type=Path, default=CHROMIUM)
    args = parser.parse_args(argv)
    path = render_png(args.report, args.out, lang=args.lang, width=args.width, executable=args.chromium)
    print(f"screenshot: {path.resolve()}")


if __name__ == "__main__":
    main()
