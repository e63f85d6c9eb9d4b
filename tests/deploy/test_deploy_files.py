"""What an operator installs (deploy/): the environment file documents every variable the
settings read, and the load balancer's configuration is one HAProxy accepts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests.conftest import REPOSITORY

SETTINGS = REPOSITORY / "config" / "settings.py"
ENVIRONMENT = REPOSITORY / "deploy" / "orientation.env"


def test_every_variable_the_settings_read_is_in_the_environment_file():
    read = set(re.findall(r'(?:os\.environ\.get|env_bool|env_list)\("([A-Z_]+)"', SETTINGS.read_text()))
    documented = set(re.findall(r"^#?([A-Z_]+)=", ENVIRONMENT.read_text(), flags=re.M))
    assert read, "the settings read their variables this way"
    assert read - documented == set()


def test_the_load_balancers_configuration_is_valid(tmp_path):
    if shutil.which("haproxy") is None:
        message = "haproxy absent : scripts/test_tools.sh l’installe (c’est le cas en CI)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # the certificate is the deployment's: a throw-away one stands in for it here
    configuration = (REPOSITORY / "deploy" / "haproxy" / "haproxy.cfg").read_text()
    certificate = tmp_path / "orientation.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1",
         "-keyout", str(certificate), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    checked = tmp_path / "haproxy.cfg"
    checked.write_text(configuration.replace("/etc/haproxy/certs/orientation.pem", str(certificate)))
    result = subprocess.run(["haproxy", "-c", "-f", str(checked)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
