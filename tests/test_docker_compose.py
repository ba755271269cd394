from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_docker_compose_describes_the_production_set():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in services[name], name
    assert {"pgdata"} <= set(compose["volumes"])


def test_the_commands_of_the_compose_file_point_at_real_modules():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web = " ".join(compose["services"]["web"]["command"])
    assert "mutuelle.wsgi" in web and (ROOT / "mutuelle" / "wsgi.py").exists()
    assert "-A mutuelle" in " ".join(compose["services"]["worker"]["command"])
    assert (ROOT / compose["services"]["web"]["build"]["dockerfile"]).exists()
