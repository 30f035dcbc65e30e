"""The Zero to JupyterHub values and the course image recipe (rnncourse/hub/kubernetes/).

The chart values must be valid YAML that reference the dashboard service exactly as the
single-machine hub does (names and commands from rnncourse.hub.services), and the image
recipe's install steps must work: they run here in a fresh virtual environment, with the
Dockerfile's COPY steps done into a scratch folder standing in for the image's file system.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from rnncourse.hub import accounts, services

KUBERNETES = Path(__file__).resolve().parents[2] / "rnncourse" / "hub" / "kubernetes"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def values():
    yaml = pytest.importorskip("yaml", reason="PyYAML parses the chart values (it comes with jupyter-events)")
    return yaml.safe_load((KUBERNETES / "values.yaml").read_text())


def test_dashboard_service_is_referenced_as_on_one_machine(values):
    hub = values["hub"]
    dashboard = hub["services"][services.DASHBOARD]
    assert dashboard["command"] == services.dashboard_command("python3")
    assert list(dashboard["environment"]) == [services.HOMES_VARIABLE]
    assert dashboard["oauth_no_confirm"] is True
    port = int(re.fullmatch(r"http://hub:(\d+)", dashboard["url"]).group(1))
    assert port in [p["port"] for p in hub["service"]["extraPorts"]]
    roles = hub["loadRoles"]
    single_machine = {r["name"]: r for r in services.role_definitions("instructor", 3600)}
    assert roles[services.DASHBOARD]["scopes"] == services.DASHBOARD_SCOPES
    assert roles[services.DASHBOARD]["services"] == [services.DASHBOARD]
    assert roles[services.INSTRUCTOR_ROLE]["scopes"] == single_machine[services.INSTRUCTOR_ROLE]["scopes"]
    assert roles[services.INSTRUCTOR_ROLE]["users"] == hub["config"]["Authenticator"]["admin_users"]


def test_login_homes_culler_and_limits_match_the_single_machine_hub(values):
    config = values["hub"]["config"]
    assert config["JupyterHub"]["authenticator_class"] == "shared-password"
    assert "SharedPasswordAuthenticator" not in config, "passwords belong in the instructor's secrets.yaml"
    pattern = config["Authenticator"]["username_pattern"]
    for name in ("ada", "ada-l", "x" * 29, "a_b", "Ada", "1ada", "<img src=x onerror=alert(1)>"):
        if re.fullmatch(pattern, name):
            assert re.fullmatch(accounts.NAME_PATTERN, name), f"{name!r} passes Kubernetes but not one machine"
    assert re.fullmatch(pattern, "ada-l") and not re.fullmatch(pattern, "a_b")
    storage = values["singleuser"]["storage"]
    assert storage["static"]["subPath"] == accounts.PREFIX + "{username}"  # home_of(name, homes) on the volume
    mounts = {m["name"]: m for m in values["hub"]["extraVolumeMounts"]}
    homes = values["hub"]["services"][services.DASHBOARD]["environment"][services.HOMES_VARIABLE]
    assert mounts["homes"]["mountPath"] == homes and mounts["homes"]["readOnly"] is True
    volume = {v["name"]: v for v in values["hub"]["extraVolumes"]}["homes"]
    assert volume["persistentVolumeClaim"]["claimName"] == storage["static"]["pvcName"]
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0
    assert values["singleuser"]["memory"]["limit"] and values["singleuser"]["memory"]["guarantee"]
    hook = " ".join(values["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert "python -m rnncourse.hub.content copy /opt/rnncourse/lessons" in hook


def _steps(dockerfile):
    """(COPY sources and destination) and the RUN commands marked INSTALL or CHECK, in order."""
    lines = re.sub(r"\\\n\s*", " ", dockerfile.read_text()).splitlines()
    copies, runs, marked = [], [], False
    for line in lines:
        if line.startswith("COPY "):
            *sources, destination = shlex.split(line[5:])
            copies.append((sources, destination))
        elif line.startswith(("# INSTALL:", "# CHECK:")):
            marked = True
        elif line.startswith("RUN ") and marked:
            runs.append(line[4:])
            marked = False
    return copies, runs


def test_the_recipe_names_its_install_and_check_steps():
    copies, runs = _steps(KUBERNETES / "Dockerfile")
    assert [destination for _, destination in copies] == ["/opt/rnncourse-src/", "/opt/rnncourse-src/rnncourse",
                                                          "/opt/rnncourse/lessons"]
    assert len(runs) == 2 and "pip install" in runs[0] and "[hub]" in runs[0]


@pytest.mark.slow
def test_the_image_install_steps_work_in_a_fresh_venv(tmp_path):
    """The Dockerfile's COPY and marked RUN steps, with / standing for tmp_path (wheels from pip's cache)."""
    copies, runs = _steps(KUBERNETES / "Dockerfile")
    image = tmp_path / "image"
    for sources, destination in copies:
        target = image / destination.lstrip("/")
        for source in sources:
            origin = REPO / source
            if origin.is_dir():
                shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, target / origin.name)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    environment["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{environment['PATH']}"
    for run in runs:
        # without the cache flag pip reuses its wheel cache; without byte-compiling it skips
        # compiling every installed module (neither changes what is installed)
        command = (run.replace("/opt/", f"{image}/opt/").replace("--no-cache-dir ", "")
                   .replace("pip install ", "pip install --no-compile "))
        done = subprocess.run(command, shell=True, capture_output=True, text=True, env=environment,
                              cwd=tmp_path, timeout=900)
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    python = env_dir / "bin" / "python"
    where = subprocess.run([str(python), "-c", "import rnncourse; print(rnncourse.__file__)"],
                           capture_output=True, text=True, env=environment, cwd=tmp_path)
    assert where.stdout.strip().startswith(str(env_dir)), "the course must come from the image's install"
    assert sys.executable != str(python)
