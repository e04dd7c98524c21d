"""A real JupyterHub for a class trial: three learners, one notebook, through the hub only.

The hub is started with the documented command (`python -m backcourse.teach.hub`, what `make hub` runs) from the
`.venv-hub` that `make hub-env` builds from requirements-hub.txt. The course is served by nbgitpuller from a
local `file://` clone of this repository. Learners log in through the hub's REST API, follow the link
`python -m backcourse.teach.assign` prints, and run the notebook in their own kernel over the kernel websocket:
this test process never imports the course package for that. What is checked on disk (homes, permissions,
owners, leftover processes) is read here directly, not from the code under test.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from backcourse.teach.hubclient import Learner, code_cells, wait_for_hub
from build_support import ROOT

HUB_VENV = ROOT / ".venv-hub"
PORT = int(os.environ.get("BACKCOURSE_TEST_HUB_PORT", "18050"))
BASE = f"http://127.0.0.1:{PORT}"
LEARNERS = ["learner01", "learner02", "learner03"]
NOTEBOOK = "notebooks/pain-diary.ipynb"
PASSWORD = secrets.token_urlsafe(12)
TOKEN = secrets.token_hex(16)


def marked(state: Path) -> list[int]:
    """Live processes whose environment names this hub's state folder (read from /proc here)."""
    needle = f"BACKCOURSE_HUB_STATE={state}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0") and \
                        (entry / "stat").read_text().rsplit(") ", 1)[-1][0] != "Z":
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def course_repo():
    """A file:// clone of this repository (what nbgitpuller pulls), readable by the learners' Unix users."""
    assert (HUB_VENV / "bin" / "jupyterhub").exists(), "run `make hub-env` first (make test does)"
    top = Path(tempfile.mkdtemp(prefix="backcourse-hub-test-", dir="/tmp"))
    os.chmod(top, 0o755)
    bare = top / "moving-again"  # nbgitpuller names the learner's folder after it
    subprocess.run(["git", "clone", "--quiet", "--bare", str(ROOT), str(bare)], check=True)
    branch = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--abbrev-ref", "HEAD"], check=True,
                            capture_output=True, text=True).stdout.strip()
    subprocess.run(["chmod", "-R", "a+rX", str(top)], check=True)
    yield top, f"file://{bare}", branch
    shutil.rmtree(top, ignore_errors=True)


@pytest.fixture(scope="module")
def hub(course_repo):
    top, _, _ = course_repo
    state = top / "state"
    log = open(top / "hub.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "backcourse.teach.hub", "--port", str(PORT), "--learners", ",".join(LEARNERS),
         "--password", PASSWORD, "--service-token", TOKEN, "--state", str(state)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_for_hub(BASE, timeout=180)
    except Exception:
        proc.kill()
        raise AssertionError((top / "hub.log").read_text()[-4000:])
    yield proc, state, top / "hub.log"
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)
    log.close()


@pytest.fixture(scope="module")
def learners(hub, course_repo):
    """Each learner logs in, opens the assign link (nbgitpuller pulls the course) and runs the notebook."""
    _, repo_url, branch = course_repo
    link = subprocess.run(
        [sys.executable, "-m", "backcourse.teach.assign", "--hub", BASE, "--page", NOTEBOOK,
         "--repo", repo_url, "--branch", branch],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()
    sessions = {}
    for name in LEARNERS:
        learner = Learner(BASE, name)
        learner.login(PASSWORD)
        learner.start_server()
        path = learner.open_assign_link(link)
        notebook = learner.read_notebook(path)
        kernel = learner.start_kernel(path)
        results = learner.run(kernel, code_cells(notebook), cwd=f"~/{path.rsplit('/', 1)[0]}")
        sessions[name] = (learner, path, kernel, results)
    return sessions


def test_wrong_password_gets_no_token(hub):
    learner = Learner(BASE, LEARNERS[0])
    with pytest.raises(Exception, match="login refused"):
        learner.login(PASSWORD + "x")


def test_each_learner_runs_the_assigned_notebook_in_their_own_home(learners, hub):
    _, state, _ = hub
    for name, (learner, path, kernel, results) in learners.items():
        assert path == f"moving-again/{NOTEBOOK}"
        assert results and all(r["status"] == "ok" for r in results), \
            f"{name}: " + "; ".join(r["error"] for r in results if r["status"] != "ok")
        # nbgitpuller put the course in the learner's own home.
        assert (state / "homes" / name / path).is_file()
        where = learner.run(kernel, ["import os, sys; print(os.path.expanduser('~')); print(os.environ['BACKCOURSE_DIARY'])"
                                     "; print(sys.executable)"])[0]["text"].split()
        assert where[0] == str(state / "homes" / name)
        assert where[1].startswith(where[0] + "/")
        assert where[2].startswith(str(HUB_VENV)), "the kernel must be the learners' environment"


SAVE = """
from datetime import date
from pathlib import Path
from backcourse.diary.store import Entry, append_entry, default_diary_path
path = default_diary_path()
path.parent.mkdir(parents=True, exist_ok=True)
append_entry(path, Entry(date=date.today(), pain=3, notes="private note of {name}"))
plan = Path.home() / "my-plan.txt"
plan.write_text("plan of {name}")
print(path)
print(plan)
"""


def test_diary_and_plan_are_private_to_each_learner(learners, hub):
    _, state, _ = hub
    saved = {}
    for name, (learner, _, kernel, _) in learners.items():
        result = learner.run(kernel, [SAVE.format(name=name)])[0]
        assert result["status"] == "ok", result["error"]
        diary, plan = (Path(p) for p in result["text"].split())
        saved[name] = (diary, plan)
        assert diary.is_relative_to(state / "homes" / name) and plan.is_relative_to(state / "homes" / name)
        assert f"private note of {name}" in diary.read_text(encoding="utf-8-sig")
        home_mode = stat.S_IMODE((state / "homes" / name).stat().st_mode)
        assert home_mode & 0o077 == 0, f"{name}'s home is open to others: {oct(home_mode)}"
        assert stat.S_IMODE(diary.stat().st_mode) & 0o077 == 0
        if os.geteuid() == 0:
            owner = pwd.getpwuid((state / "homes" / name).stat().st_uid).pw_name
            assert owner == f"bc-{name}"
    assert os.geteuid() == 0, "learner isolation needs real Unix users: run the hub test as root (CI does)"
    # Neither of two learners can read the other's diary or plan, from their kernel or through the hub.
    for reader, owner in ((LEARNERS[1], LEARNERS[0]), (LEARNERS[0], LEARNERS[1])):
        learner, _, kernel, _ = learners[reader]
        for target in saved[owner]:
            probe = learner.run(kernel, [f"open({str(target)!r}).read()"])[0]
            assert probe["status"] == "error" and probe["error"].startswith("PermissionError"), (reader, probe)
        other = learner.session.get(f"{BASE}/user/{owner}/api/contents/my-plan.txt",
                                    headers={"Authorization": f"token {learner.token}"}, allow_redirects=False)
        assert other.status_code in (302, 403, 404) and "plan of" not in other.text, (reader, other.status_code)


def test_assign_link_opens_the_notebook_in_chromium(learners, course_repo, hub, browser):
    """A learner logs in on the hub's page and follows the assign link: JupyterLab shows the notebook."""
    _, repo_url, branch = course_repo
    link = subprocess.run(
        [sys.executable, "-m", "backcourse.teach.assign", "--hub", BASE, "--page", NOTEBOOK,
         "--repo", repo_url, "--branch", branch], cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()
    shots = ROOT / "_build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    foreign = []
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.route(re.compile(r"^(?!http://127\.0\.0\.1:%d/)(https?|wss?)://" % PORT),
                   lambda route: (foreign.append(route.request.url), route.abort()))
        page.goto(link)
        page.fill("input[name=username]", LEARNERS[2])
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url(re.compile(r"/user/learner03/lab"), timeout=180_000)
        page.locator(".jp-Notebook h1:visible", has_text="Your pain diary").first.wait_for(timeout=120_000)
        page.screenshot(path=str(shots / "hub-assign-link.png"))
        url = page.url
    finally:
        context.close()
    assert "/lab/tree/moving-again/notebooks/pain-diary.ipynb" in url
    assert not foreign, f"requests to other hosts: {foreign[:5]}"


def test_ctrl_c_stops_the_hub_and_leaves_nothing_running(learners, hub):
    proc, state, log = hub
    assert marked(state), "the hub's processes should be found while it runs"
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=120) == 0, log.read_text()[-3000:]
    deadline = time.monotonic() + 10
    while marked(state) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not marked(state), f"processes left running: {marked(state)}"
    assert not listening(PORT) and not listening(PORT + 1) and not listening(PORT + 2)
    users = {entry.pw_name for entry in pwd.getpwall()}
    assert not {f"bc-{n}" for n in LEARNERS} & users, "the learners' Unix users made for the trial were not removed"
    assert "nothing left running" in log.read_text()


def test_class_load_benchmark_short_version(learners, hub):
    """The benchmark itself, as a short run (3 learners, one notebook): it works, and reports what it promises.

    After the hub test's own hub has stopped (it uses the same learner names), on a port of its own.
    """
    proc, _, _ = hub
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "class_load.py"), "--learners", "3",
                          "--notebooks", "1", "--workers", "3", "--port", str(PORT + 10)],
                         cwd=ROOT, capture_output=True, text=True, timeout=900)
    out = run.stdout
    assert run.returncode == 0, out[-3000:] + run.stderr[-3000:]
    assert "class load: 3 learners, 3 at a time, 1 notebooks each" in out
    assert "failures: 0 of 3" in out
    median = re.search(r"time to first notebook: median ([\d.]+) s, 95th percentile ([\d.]+) s", out)
    assert median and 0 < float(median.group(1)) <= float(median.group(2)), out
    memory = re.search(r"per-learner memory \(server \+ 1 kernels, RSS\): median (\d+) MiB", out)
    assert memory and int(memory.group(1)) > 50, out  # a Jupyter server and a kernel really ran for each
    assert "hub stopped (exit 0)" in out
    assert not listening(PORT + 10)


def test_hub_pins_agree_with_the_course_and_the_chart():
    """Packages in both requirements files carry the same pin; JupyterHub is the chart's version."""
    def pins(path):
        found = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.match(r"^([A-Za-z0-9_.-]+)==([^\s#]+)", line)
            if match:
                found[match.group(1).lower()] = match.group(2)
        return found
    course, hub_pins = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-hub.txt")
    assert {"jupyterhub", "nbgitpuller", "configurable-http-proxy"} <= set(hub_pins)
    shared = set(course) & set(hub_pins)
    assert shared and {k: (course[k], hub_pins[k]) for k in shared if course[k] != hub_pins[k]} == {}
    fixture = json.loads((ROOT / "tests" / "fixtures" / "z2jh-schema-keys.json").read_text(encoding="utf-8"))
    assert hub_pins["jupyterhub"] == fixture["jupyterhub_version"]
    config_text = (ROOT / "deploy" / "z2jh" / "config.yaml").read_text(encoding="utf-8")
    assert f"jupyterhub=={hub_pins['jupyterhub']}" in config_text
    assert f"nbgitpuller=={hub_pins['nbgitpuller']}" in config_text


def schema_problems(values: dict, objects: dict, path: str = ".") -> list[str]:
    """Keys of ``values`` the chart's schema does not accept (only where the fixture lists the object)."""
    spec = objects.get(path)
    if spec is None or spec["kind"] == "open":
        return []
    problems = []
    for key, value in values.items():
        child = key if path == "." else f"{path}.{key}"
        if key not in spec["keys"] and not any(re.match(p, key) for p in spec.get("patterns", [])):
            problems.append(child)
        elif isinstance(value, dict):
            problems += schema_problems(value, objects, child)
    return problems


Z2JH = json.loads((ROOT / "tests" / "fixtures" / "z2jh-schema-keys.json").read_text(encoding="utf-8"))
Z2JH_CONFIG = ROOT / "deploy" / "z2jh" / "config.yaml"


def test_z2jh_config_uses_only_keys_of_the_chart_schema():
    config = yaml.safe_load(Z2JH_CONFIG.read_text(encoding="utf-8"))
    assert schema_problems(config, Z2JH["objects"]) == []
    # The sizes the sizing rule rests on are there.
    single = config["singleuser"]
    assert {"guarantee", "limit"} <= set(single["memory"]) and {"guarantee", "limit"} <= set(single["cpu"])
    assert config["cull"]["enabled"] is True and config["cull"]["timeout"] > 0
    assert "nbgitpuller" in Z2JH_CONFIG.read_text(encoding="utf-8")


def test_schema_check_catches_a_misspelt_key():
    """The check itself can fail: a key the chart does not know (a real z2jh typo) is reported by its path."""
    assert schema_problems({"singleuser": {"memory": {"guarantees": "1G"}}}, Z2JH["objects"]) == [
        "singleuser.memory.guarantees"]
    assert schema_problems({"culling": {}}, Z2JH["objects"]) == ["culling"]
    assert schema_problems({"hub": {"config": {"lowercase": {}}}}, Z2JH["objects"]) == ["hub.config.lowercase"]


@pytest.mark.parametrize("value, names", [("3", ["learner01", "learner02", "learner03"]),
                                           ("ada, grace", ["ada", "grace"])])
def test_learner_names_from_a_number_or_a_list(value, names):
    from backcourse.teach.hub import learner_names
    assert learner_names(value) == names


@pytest.mark.parametrize("value", ["Ada", "ada,ada", "0", "40", "9lives", "a b", "ad/a", ""])
def test_learner_names_a_url_or_unix_user_cannot_take_are_refused(value):
    from backcourse.teach.hub import HubError, learner_names
    with pytest.raises(HubError, match="--learners|learner name"):
        learner_names(value)
