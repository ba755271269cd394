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


APP_SERVICES = ("web", "worker", "worker-notifications", "beat")


def test_a_deployment_from_nothing_migrates_once_before_anything_else_starts():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    migrate = services["migrate"]
    assert migrate["command"][-2:] == ["migrate", "--noinput"] and "manage.py" in migrate["command"]
    assert migrate["restart"] == "no", "a one-shot service must not be restarted once it has exited 0"
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert migrate["environment"]["DATABASE_URL"] == services["web"]["environment"]["DATABASE_URL"]
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends["postgres"] == {"condition": "service_healthy"}, name
        assert services[name]["restart"] == "unless-stopped", f"{name} must come back when it exits (kombu restarts)"


def test_every_app_service_knows_the_public_address_for_links_in_emails_and_pdfs():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in ("migrate", *APP_SERVICES):
        assert services[name]["environment"]["SITE_URL"].startswith("${SITE_URL:-https://"), name


def test_flower_is_an_optional_profile_reachable_only_from_the_host():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    flower = services["flower"]
    assert flower["profiles"] == ["monitoring"]
    assert "flower" in flower["command"] and all(port.startswith("127.0.0.1:") for port in flower["ports"])
    assert all("profiles" not in services[name] for name in ("postgres", "redis", "migrate", *APP_SERVICES))


def test_every_queue_the_tasks_are_routed_to_has_a_worker():
    from django.conf import settings

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    served = set()
    for service in services.values():
        command = service.get("command") or []
        if "worker" in command and "-Q" in command:
            served |= set(command[command.index("-Q") + 1].split(","))
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed <= served, routed - served
