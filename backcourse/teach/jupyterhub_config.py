"""JupyterHub configuration for a local class trial, started by ``python -m backcourse.teach.hub`` (``make hub``).

Why a file of its own: JupyterHub runs in its own virtualenv (``.venv-hub``, from ``requirements-hub.txt``) and
reads this file there, so it uses only the standard library and JupyterHub. Every value comes from the settings
file that ``backcourse.teach.hub`` writes (path in ``$BACKCOURSE_HUB_SETTINGS``); nothing here is hand-edited.

TRIAL ONLY. One shared password for an allow-list of learner names (JupyterHub's DummyAuthenticator) is fine on
127.0.0.1 for trying the course with a few colleagues, and nowhere else. A real class uses your institution's
login (see deploy/z2jh/config.yaml and the instructor guide).

Isolation between learners:
- run as root (a lab machine, a container, CI): each learner gets a real Unix user ``bc-<name>`` that owns a
  private home (mode 0700) and runs their server and kernel, so the operating system stops one learner reading
  another's diary or plan;
- run as an ordinary user (a laptop): every learner still gets a separate home and process, but all processes
  share your Unix user, so learners are NOT protected from each other. The hub says so when it starts.
"""

# ruff: noqa: F821  (``c`` is provided by JupyterHub when it loads this file)
import json
import os
import pwd
import socket
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Unicode

SETTINGS = json.loads(Path(os.environ["BACKCOURSE_HUB_SETTINGS"]).read_text(encoding="utf-8"))
STATE = Path(SETTINGS["state_dir"])
HOMES = Path(SETTINGS["homes_dir"])


#: Ports handed to servers that are starting or running (several learners may start at the same moment, before
#: any of their servers listens, so "nothing listens there" alone would give two learners one port).
TAKEN: set[int] = set()


def free_port(first: int, last: int) -> int:
    """The first port in [first, last] not handed out and nothing listens on."""
    for port in range(first, last + 1):
        if port in TAKEN:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            TAKEN.add(port)
            return port
    raise RuntimeError(f"no free port for a learner's server in {first}-{last}: stop a server or widen the range")


class ClassSpawner(LocalProcessSpawner):
    """One server per learner, in the learner's own home, on a port from the configured range.

    As root, the process runs as the learner's Unix user (``system_user``); otherwise as the hub's user.
    """

    system_user = Unicode(help="The Unix user the learner's processes run as (empty: the hub's own user)")
    home_dir = Unicode(help="The learner's home folder")

    def _learner(self):
        name = self.user.name
        home = HOMES / name
        system = SETTINGS["system_users"].get(name, "") if SETTINGS["use_system_users"] else ""
        return home, system

    def make_preexec_fn(self, name):
        home, system = self._learner()
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        if system:
            entry = pwd.getpwnam(system)
            os.chown(home, entry.pw_uid, entry.pw_gid)
        os.chmod(home, 0o700)

        def preexec():
            # Files a learner creates are theirs alone (diary, plan, handouts).
            os.umask(0o077)
            if system:
                entry = pwd.getpwnam(system)
                os.setgroups([])
                os.setgid(entry.pw_gid)
                os.setuid(entry.pw_uid)
            os.chdir(home)

        return preexec

    def user_env(self, env):
        home, system = self._learner()
        env["USER"] = system or self.user.name
        env["HOME"] = str(home)
        env["SHELL"] = "/bin/bash"
        # The course's diary lives in the learner's home (backcourse.diary.store reads BACKCOURSE_DIARY).
        env["BACKCOURSE_DIARY"] = str(home / ".local" / "share" / "backcourse" / "pain-diary.csv")
        env.update(SETTINGS["learner_env"])
        return env

    async def move_certs(self, paths):
        return paths

    async def start(self):
        low, high = SETTINGS["server_ports"]
        self.port = free_port(low, high)
        try:
            return await super().start()
        except BaseException:
            TAKEN.discard(self.port)
            raise

    async def stop(self, now=False):
        try:
            return await super().stop(now=now)
        finally:
            TAKEN.discard(self.port)


c.JupyterHub.ip = SETTINGS["ip"]
c.JupyterHub.port = SETTINGS["port"]
c.JupyterHub.hub_ip = SETTINGS["ip"]
c.JupyterHub.hub_port = SETTINGS["hub_port"]
c.JupyterHub.bind_url = f"http://{SETTINGS['ip']}:{SETTINGS['port']}"

# The proxy: the pure-Python configurable-http-proxy from PyPI (same command line as the npm package).
c.ConfigurableHTTPProxy.command = [SETTINGS["proxy_command"]]
c.ConfigurableHTTPProxy.api_url = f"http://{SETTINGS['ip']}:{SETTINGS['proxy_api_port']}"
c.ConfigurableHTTPProxy.should_start = True
c.ConfigurableHTTPProxy.debug = False

# State (database, cookie secret, proxy token) in the hub's own folder, never in the course checkout's root.
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

# Trial login: an allow-list of learner names and one shared password (DummyAuthenticator).
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = SETTINGS["password"]
c.Authenticator.allowed_users = set(SETTINGS["learners"])
c.Authenticator.admin_users = {SETTINGS["instructor"]}

# One server per learner: the course's environment, in the learner's home, ports from our range.
c.JupyterHub.spawner_class = ClassSpawner
c.Spawner.cmd = [SETTINGS["singleuser_command"]]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", "TZ"]
c.JupyterHub.concurrent_spawn_limit = 0
c.JupyterHub.active_server_limit = 0

# A service token for the instructor's scripts (the class-load benchmark, the tests): admin over learners.
if SETTINGS.get("service_token"):
    c.JupyterHub.services = [{"name": "class-admin", "api_token": SETTINGS["service_token"]}]
    c.JupyterHub.load_roles = [
        {
            "name": "class-admin",
            "scopes": ["admin:users", "admin:servers", "access:servers", "tokens", "list:users", "read:users"],
            "services": ["class-admin"],
        }
    ]
