"""Start a real JupyterHub for a local class trial (``make hub``; ``python -m backcourse.teach.hub``).

Why: an instructor should see the course run for several learners before a class does. This starts JupyterHub
on 127.0.0.1 from its own virtualenv (``.venv-hub``, pinned in ``requirements-hub.txt``) with the pure-Python
``configurable-http-proxy``. Each learner logs in with their name and the shared trial password, gets a server
in their own home running the learners' environment (section 2 of ``requirements-hub.txt``: what a class
image holds, the packages the notebooks import plus ``jupyterhub`` and ``nbgitpuller``), and the links ``python -m backcourse.teach.assign`` prints pull the course
into that home and open the notebook. Ctrl-C stops the hub, the proxy and every learner's server.

Trial only: the shared password and the allow-list suit 127.0.0.1, nothing more. As root, each learner runs as a
Unix user of their own (``bc-<name>``, created here and removed on stop) whose home only they can read; as an
ordinary user all learners share your Unix user and can read each other's files (a warning is printed).

Example::

    make hub                                   # learners learner01..learner03, password printed
    python -m backcourse.teach.hub --learners ada,grace --password class-trial --port 18000
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from backcourse import REPO_ROOT

CONFIG_FILE = Path(__file__).with_name("jupyterhub_config.py")
DEFAULT_STATE = REPO_ROOT / "_hub"
DEFAULT_HUB_VENV = REPO_ROOT / ".venv-hub"
#: Unix users made for learners are named with this prefix, so they never collide with real accounts.
SYSTEM_PREFIX = "bc-"
#: Environment variable that marks every process this hub started (used to check nothing is left running).
MARK_ENV = "BACKCOURSE_HUB_STATE"


class HubError(RuntimeError):
    """The hub cannot start; the message says what is missing and the command that fixes it."""


@dataclass
class HubSettings:
    """Everything ``jupyterhub_config.py`` reads (written as JSON to the state folder)."""

    state_dir: str
    homes_dir: str
    ip: str
    port: int
    hub_port: int
    proxy_api_port: int
    server_ports: tuple[int, int]
    learners: list[str]
    instructor: str
    password: str
    proxy_command: str
    singleuser_command: str
    use_system_users: bool
    system_users: dict[str, str] = field(default_factory=dict)
    learner_env: dict[str, str] = field(default_factory=dict)
    service_token: str = ""


def check_name(name: str) -> str:
    """A learner name the hub, a URL and a Unix user name all accept: lowercase letters, digits, '-'."""
    if not name or len(name) > 24 or not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in name) \
            or name != name.lower() or not name[0].isalpha():
        raise HubError(f"learner name {name!r}: use 1-24 lowercase letters, digits or '-', starting with a letter")
    return name


def learner_names(value: str) -> list[str]:
    """``"3"`` gives learner01..learner03; ``"ada,grace"`` gives those names."""
    value = value.strip()
    if value.isdigit():
        count = int(value)
        if not 1 <= count <= 39:
            raise HubError(f"--learners {value}: give between 1 and 39 learners (one port each, PORT+10..PORT+49)")
        return [f"learner{i:02d}" for i in range(1, count + 1)]
    names = [check_name(n.strip()) for n in value.split(",") if n.strip()]
    if len(set(names)) != len(names):
        raise HubError(f"--learners {value!r}: a name appears twice")
    if not names:
        raise HubError("--learners is empty: give a number or comma-separated names")
    return names


def settings_for(args: argparse.Namespace, state: Path) -> HubSettings:
    hub_bin = Path(args.hub_venv) / "bin"
    proxy = hub_bin / "configurable-http-proxy"
    jupyterhub = hub_bin / "jupyterhub"
    singleuser = hub_bin / "jupyterhub-singleuser"
    for path in (jupyterhub, proxy, singleuser):
        if not path.exists():
            raise HubError(f"{path} is missing: run `make hub-env` (it installs requirements-hub.txt)")
    learners = learner_names(args.learners)
    as_root = os.geteuid() == 0 and not args.no_system_users
    return HubSettings(
        state_dir=str(state),
        homes_dir=str(state / "homes"),
        ip="127.0.0.1",
        port=args.port,
        hub_port=args.port + 1,
        proxy_api_port=args.port + 2,
        server_ports=(args.port + 10, args.port + 49),
        learners=learners + [args.instructor],
        instructor=args.instructor,
        password=args.password or secrets.token_urlsafe(9),
        proxy_command=str(proxy),
        singleuser_command=str(singleuser),
        use_system_users=as_root,
        system_users={n: SYSTEM_PREFIX + n for n in learners + [args.instructor]} if as_root else {},
        learner_env={
            # The course package of this checkout (a class image installs it instead).
            "PYTHONPATH": str(REPO_ROOT),
            "PATH": f"{hub_bin.resolve()}:/usr/local/bin:/usr/bin:/bin",
            # nbgitpuller clones the course with git; git reads a local (file://) repository owned by another
            # Unix user only when a global config lists it as safe. Trial only (state/gitconfig).
            "GIT_CONFIG_GLOBAL": str(state / "gitconfig"),
            MARK_ENV: str(state),
        },
        service_token=args.service_token or "",
    )


def _admin_tool(name: str) -> str:
    """``useradd``/``userdel`` live in /usr/sbin, which a non-login root shell may not have on its PATH."""
    found = shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))
    if not found:
        raise HubError(f"{name} not found: install the 'passwd' package, or start with --no-system-users (no "
                       "isolation between learners)")
    return found


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def create_system_users(settings: HubSettings) -> list[str]:
    """As root: one Unix user per learner (no login shell), owning their home. Returns the users made here."""
    made = []
    for learner, system in settings.system_users.items():
        home = Path(settings.homes_dir) / learner
        if not _user_exists(system):
            subprocess.run([_admin_tool("useradd"), "--no-create-home", "--home-dir", str(home), "--shell", "/usr/sbin/nologin",
                            "--user-group", system], check=True, capture_output=True)
            made.append(system)
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        entry = pwd.getpwnam(system)
        for path in [home, *home.rglob("*")]:
            os.lchown(path, entry.pw_uid, entry.pw_gid)
        os.chmod(home, 0o700)
    return made


def remove_system_users(names: list[str]) -> None:
    for name in names:
        subprocess.run([_admin_tool("userdel"), name], capture_output=True)


def processes_marked(state: Path) -> list[int]:
    """Pids of live processes started for this hub (their environment carries ``MARK_ENV=state``)."""
    marker = f"{MARK_ENV}={state}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            status = (entry / "stat").read_text()
        except OSError:
            continue
        if marker in environ.split(b"\0") and status.split(") ", 1)[-1][:1] != "Z":
            found.append(int(entry.name))
    return found


def stop_leftovers(state: Path, grace: float = 5.0) -> list[int]:
    """TERM, then KILL, anything still marked as this hub's; returns what had to be stopped."""
    pids = processes_marked(state)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and processes_marked(state):
            time.sleep(0.1)
        if not processes_marked(state):
            break
    return pids


def serve(args: argparse.Namespace) -> int:
    state = Path(args.state).resolve()
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o755)  # learners' Unix users must reach their homes inside it
    (state / "homes").mkdir(exist_ok=True)
    os.chmod(state / "homes", 0o755)
    settings = settings_for(args, state)
    (state / "gitconfig").write_text("# Written by backcourse.teach.hub for a local trial: learners may pull a local\n"
                                     "# (file://) course repository owned by another Unix user.\n"
                                     "[safe]\n\tdirectory = *\n", encoding="utf-8")
    os.chmod(state / "gitconfig", 0o644)
    settings_path = state / "settings.json"
    settings_path.write_text(json.dumps(asdict(settings), indent=2), encoding="utf-8")
    os.chmod(settings_path, 0o600)  # holds the password and the service token
    made = create_system_users(settings) if settings.use_system_users else []
    env = dict(os.environ, BACKCOURSE_HUB_SETTINGS=str(settings_path), **{MARK_ENV: str(state)})
    env.pop("PYTHONPATH", None)  # the hub's venv must not see the course's packages
    hub_cmd = [str(Path(args.hub_venv) / "bin" / "jupyterhub"), "-f", str(CONFIG_FILE)]
    url = f"http://{settings.ip}:{settings.port}/"
    print(f"JupyterHub (trial) at {url}  learners: {', '.join(settings.learners[:-1])}; "
          f"instructor: {settings.instructor}; shared password: {settings.password}", flush=True)
    if not settings.use_system_users:
        print("WARNING: not running as root, so every learner runs as your own Unix user and can read the other "
              "learners' files. Fine for trying the course alone; not for a class.", flush=True)
    hub = subprocess.Popen(hub_cmd, cwd=state, env=env, start_new_session=True)

    def forward(signum, frame):
        if hub.poll() is None:
            hub.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    try:
        code = hub.wait()
        while code is None:  # pragma: no cover - wait() returns the code
            code = hub.wait()
    finally:
        leftovers = stop_leftovers(state)
        remove_system_users(made)
    if leftovers:
        print(f"stopped {len(leftovers)} process(es) the hub left running", flush=True)
    print("JupyterHub stopped; nothing left running.", flush=True)
    return 0 if code in (0, -signal.SIGTERM, 128 + signal.SIGTERM) else code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m backcourse.teach.hub",
        description="Start a real JupyterHub on 127.0.0.1 for a local class trial (Ctrl-C stops everything).",
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("BACKCOURSE_HUB_PORT", 18000)),
                        help="the hub's address is http://127.0.0.1:PORT; PORT+1 and PORT+2 are the hub's and "
                        "proxy's internal ports, PORT+10..PORT+49 the learners' servers (default 18000)")
    parser.add_argument("--learners", default="3", help="a number (learner01, learner02, ...) or names: ada,grace")
    parser.add_argument("--instructor", default="instructor", help="the admin user's name (default: instructor)")
    parser.add_argument("--password", default=os.environ.get("BACKCOURSE_HUB_PASSWORD"),
                        help="the shared trial password (default: $BACKCOURSE_HUB_PASSWORD or a random one)")
    parser.add_argument("--state", default=str(DEFAULT_STATE), help="the hub's folder: database, learners' homes")
    parser.add_argument("--hub-venv", default=str(DEFAULT_HUB_VENV), help="virtualenv with requirements-hub.txt")
    parser.add_argument("--service-token", default=os.environ.get("BACKCOURSE_HUB_TOKEN"),
                        help="an API token with admin rights over learners, for scripts (benchmarks, tests)")
    parser.add_argument("--no-system-users", action="store_true",
                        help="as root, still run every learner as root (no isolation; not recommended)")
    args = parser.parse_args(argv)
    try:
        check_name(args.instructor)
        return serve(args)
    except HubError as exc:
        parser.error(str(exc))
    return 2


if __name__ == "__main__":
    sys.exit(main())
