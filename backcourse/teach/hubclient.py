"""A learner, simulated through a JupyterHub's public interfaces only (for the class-load benchmark and tests).

Why: a class trial should prove the course works *through the hub*: log in with the REST API, open an
nbgitpuller link, start a kernel in the learner's own server and run notebook cells over the kernel websocket.
Nothing here imports the course package; every cell runs in the learner's kernel on the hub.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect


class HubClientError(RuntimeError):
    """A step a learner takes failed; the message names the learner and the step."""


@dataclass
class Learner:
    """One learner's session on the hub (``base`` is the hub's address, e.g. http://127.0.0.1:18000)."""

    base: str
    name: str
    token: str = ""
    session: requests.Session = field(default_factory=requests.Session)

    def _headers(self) -> dict:
        return {"Authorization": f"token {self.token}"} if self.token else {}

    def login(self, password: str) -> None:
        """Log in through the REST API: a token for this learner from their name and password."""
        reply = self.session.post(f"{self.base}/hub/api/users/{self.name}/tokens",
                                  json={"auth": {"username": self.name, "password": password},
                                        "note": "class trial"}, timeout=60)
        if reply.status_code != 201:
            raise HubClientError(f"{self.name}: login refused ({reply.status_code})")
        self.token = reply.json()["token"]
        # Hub pages (the assign link's redirect) take the login cookie, not the API token, as a browser would.
        form = self.session.get(f"{self.base}/hub/login", timeout=60)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text)
        done = self.session.post(f"{self.base}/hub/login?next=", timeout=60, allow_redirects=False,
                                 data={"username": self.name, "password": password,
                                       "_xsrf": xsrf.group(1) if xsrf else self.session.cookies.get("_xsrf", "")})
        if done.status_code != 302:
            raise HubClientError(f"{self.name}: login page refused ({done.status_code})")

    def start_server(self, timeout: float = 180) -> None:
        reply = self.session.post(f"{self.base}/hub/api/users/{self.name}/server", headers=self._headers(),
                                  timeout=timeout)
        if reply.status_code not in (201, 202, 400):  # 400: already running
            raise HubClientError(f"{self.name}: server did not start ({reply.status_code}: {reply.text[:200]})")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            model = self.session.get(f"{self.base}/hub/api/users/{self.name}", headers=self._headers(),
                                     timeout=30).json()
            server = (model.get("servers") or {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(0.5)
        raise HubClientError(f"{self.name}: server not ready after {timeout:.0f} s")

    def user_url(self, path: str) -> str:
        return f"{self.base}/user/{self.name}/{path.lstrip('/')}"

    def open_assign_link(self, link: str, timeout: float = 300) -> str:
        """Follow an assign link as the learner: the hub redirects to their nbgitpuller, which pulls the course.

        Returns the notebook path (inside the learner's home) the link opens.
        """
        page = self.session.get(link, headers=self._headers(), timeout=60)
        if page.status_code != 200 or f"/user/{self.name}/git-pull" not in page.url:
            raise HubClientError(f"{self.name}: assign link led to {page.url} ({page.status_code})")
        query = parse_qs(urlsplit(page.url).query)
        args = {k: v[0] for k, v in query.items()}
        with self.session.get(self.user_url("git-pull/api"), headers=self._headers(), stream=True, timeout=timeout,
                              params={"repo": args["repo"], "branch": args["branch"]}) as stream:
            events = [json.loads(line[5:]) for line in stream.iter_lines(decode_unicode=True)
                      if line and line.startswith("data:")]
        if not events or events[-1].get("phase") != "finished":
            raise HubClientError(f"{self.name}: nbgitpuller did not finish: {events[-3:]}")
        urlpath = args["urlpath"]
        return urlpath.split("/tree/", 1)[1] if "/tree/" in urlpath else urlpath

    def read_notebook(self, path: str) -> dict:
        reply = self.session.get(self.user_url(f"api/contents/{path}"), headers=self._headers(), timeout=60)
        if reply.status_code != 200:
            raise HubClientError(f"{self.name}: cannot open {path} ({reply.status_code})")
        return reply.json()["content"]

    def start_kernel(self, path: str) -> str:
        reply = self.session.post(self.user_url("api/sessions"), headers=self._headers(), timeout=120,
                                  json={"path": path, "type": "notebook", "name": path.rsplit("/", 1)[-1],
                                        "kernel": {"name": "python3"}})
        if reply.status_code != 201:
            raise HubClientError(f"{self.name}: no kernel for {path} ({reply.status_code}: {reply.text[:200]})")
        return reply.json()["kernel"]["id"]

    def run(self, kernel_id: str, sources: list[str], cwd: str | None = None, timeout: float = 300) -> list[dict]:
        """Run code cells in the kernel, in order; one result per cell: status, text output, error."""
        # In a thread of its own: the caller's thread may already run an event loop (a notebook, or Playwright's
        # sync API in the tests), and asyncio.run() refuses to start a second one there.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, self._run(kernel_id, sources, cwd, timeout)).result()

    async def _run(self, kernel_id: str, sources: list[str], cwd: str | None, timeout: float) -> list[dict]:
        ws_url = self.user_url(f"api/kernels/{kernel_id}/channels").replace("http://", "ws://", 1)
        conn = await websocket_connect(HTTPRequest(ws_url, headers=self._headers()))
        results = []
        try:
            if cwd:
                sources = [f"import os; os.chdir(os.path.expanduser({cwd!r}))"] + list(sources)
            for source in sources:
                msg_id = uuid.uuid4().hex
                conn.write_message(json.dumps({
                    "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.name,
                               "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
                    "parent_header": {}, "metadata": {}, "channel": "shell",
                    "content": {"code": source, "silent": False, "store_history": True, "user_expressions": {},
                                "allow_stdin": False, "stop_on_error": True},
                }))
                result = {"status": None, "text": "", "error": ""}
                idle = False
                deadline = time.monotonic() + timeout
                while not (idle and result["status"]):
                    raw = await asyncio.wait_for(conn.read_message(), max(1.0, deadline - time.monotonic()))
                    if raw is None:
                        raise HubClientError(f"{self.name}: kernel websocket closed")
                    msg = json.loads(raw)
                    if msg.get("parent_header", {}).get("msg_id") != msg_id:
                        continue
                    kind, content = msg["header"]["msg_type"], msg["content"]
                    if kind == "stream":
                        result["text"] += content["text"]
                    elif kind == "error":
                        result["error"] = f"{content['ename']}: {content['evalue']}"
                    elif kind == "execute_reply":
                        result["status"] = content["status"]
                    elif kind == "status" and content["execution_state"] == "idle":
                        idle = True
                results.append(result)
        finally:
            conn.close()
        return results[1:] if cwd else results

    def stop_server(self) -> None:
        self.session.delete(f"{self.base}/hub/api/users/{self.name}/server", headers=self._headers(), timeout=120)


def code_cells(notebook: dict) -> list[str]:
    """The code of a notebook's code cells, in order."""
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in notebook["cells"] if c["cell_type"] == "code"]


def wait_for_hub(base: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/hub/api/", timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise HubClientError(f"the hub at {base} did not answer within {timeout:.0f} s")
